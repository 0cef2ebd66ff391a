// CSRF and callback abuse against the emulator: each forged or replayed callback is rejected before
// any code is exchanged (the emulator's token endpoint sees no request).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { AuthorizationResponseError, CallbackError, Scopes } from "../../src/index.js";
import { emulatorSession, type Session } from "../support/emulator-session.js";
import { writeSummary } from "./summary.js";

let s: Session;
let passed = 0;
before(async () => {
  s = await emulatorSession();
});
after(async () => {
  await s?.close();
  writeSummary("callback-abuse", {
    cases: CASES.length,
    passed,
    command: "node scripts/run-tests.mjs test/reliability/callback-abuse",
  });
});

/** A real callback URL from the emulator (a fresh, unused code) and the state it was sent with. */
async function authorize(): Promise<{ url: URL; state: string }> {
  const req = s.authClient.createAuthorizationRequest([Scopes.Accounting]);
  const location = (await fetch(req.url, { redirect: "manual" })).headers.get("location");
  assert.ok(location);
  return { url: new URL(location), state: req.state };
}

type Attempt = () => Promise<unknown>;
const CASES: Array<[string, () => Promise<Attempt>, string]> = [
  [
    "missing state",
    async () => {
      const { url, state } = await authorize();
      url.searchParams.delete("state");
      return () => s.authClient.handleCallback(url.href, { expectedState: state });
    },
    "state_missing",
  ],
  [
    "mismatched state",
    async () => {
      const { url, state } = await authorize();
      url.searchParams.set("state", `${state.slice(0, -1)}x`);
      return () => s.authClient.handleCallback(url.href, { expectedState: state });
    },
    "state_mismatch",
  ],
  [
    "replayed state (same AuthClient, after one successful use)",
    async () => {
      const first = await authorize();
      await s.authClient.handleCallback(first.url.href, { expectedState: first.state, updateClient: false });
      const again = await authorize();
      again.url.searchParams.set("state", first.state); // a fresh code under the used state
      s.emu.resetCounters();
      return () => s.authClient.handleCallback(again.url.href, { expectedState: first.state });
    },
    "state_reused",
  ],
  [
    "state from another session",
    async () => {
      const mine = await authorize();
      const theirs = await authorize();
      return () => s.authClient.handleCallback(theirs.url.href, { expectedState: mine.state });
    },
    "state_mismatch",
  ],
  [
    "error= alongside a code",
    async () => {
      const { url, state } = await authorize();
      url.searchParams.set("error", "access_denied");
      return () => s.authClient.handleCallback(url.href, { expectedState: state });
    },
    "AuthorizationResponseError:access_denied",
  ],
  [
    "duplicated code",
    async () => {
      const { url, state } = await authorize();
      const other = await authorize();
      url.searchParams.append("code", other.url.searchParams.get("code") ?? "");
      return () => s.authClient.handleCallback(url.href, { expectedState: state });
    },
    "duplicate_parameter",
  ],
  [
    "duplicated state",
    async () => {
      const { url, state } = await authorize();
      url.searchParams.append("state", state);
      return () => s.authClient.handleCallback(url.href, { expectedState: state });
    },
    "duplicate_parameter",
  ],
];

for (const [name, setup, expected] of CASES) {
  test(`${name} → ${expected}, no code exchanged`, async () => {
    const attempt = await setup();
    s.emu.resetCounters();
    const err = await attempt().then(
      () => assert.fail("accepted"),
      (e: unknown) => e,
    );
    if (expected.startsWith("AuthorizationResponseError:")) {
      assert.ok(err instanceof AuthorizationResponseError, String(err));
      assert.equal(err.error, expected.split(":")[1]);
    } else {
      assert.ok(err instanceof CallbackError, String(err));
      assert.equal(err.reason, expected);
    }
    assert.equal(s.emu.counters().token, 0, "the token endpoint saw no request");
    passed++;
  });
}
