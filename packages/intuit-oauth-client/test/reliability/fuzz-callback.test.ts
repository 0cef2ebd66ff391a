// Fuzzing callback URLs: random queries, duplicated parameters, error with code, unicode and huge
// values. A callback is accepted only when it has no error, exactly one state equal to the expected
// one and exactly one non-empty code; anything else is a CallbackError or AuthorizationResponseError,
// and no token request is made for it.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AuthClient, AuthorizationResponseError, CallbackError } from "../../src/index.js";
import { validateCallback } from "../../src/oauth/callback.js";
import { NUM_RUNS, writeSummary } from "./summary.js";

const STATE = "Zs8-expected_state-3JqOw4mVd1";
const counts: Record<string, number> = {};
after(() =>
  writeSummary("fuzz-callback", {
    properties: Object.entries(counts).map(([property, numRuns]) => ({ property, numRuns })),
    command: "CI=true node scripts/run-tests.mjs test/reliability/fuzz-callback",
  }),
);

const value = fc.oneof(
  fc.constant(STATE),
  fc.constant(""),
  fc.constantFrom(STATE.slice(1), `${STATE} `, STATE.toUpperCase(), `${STATE}\u0000`, `${STATE}é`),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ minLength: 10_000, maxLength: 30_000 }),
);
const name = fc.oneof(
  fc.constantFrom("code", "state", "error", "error_description", "realmId", "realmid", "Code", "state[]"),
  fc.string({ maxLength: 8 }),
);
/** A query as a list of pairs, duplicates allowed, encoded properly or raw. */
const callback = fc
  .record({
    pairs: fc.array(fc.tuple(name, value), { maxLength: 8 }),
    raw: fc.boolean(),
    form: fc.constantFrom("url", "query", "params"),
  })
  .map(({ pairs, raw, form }) => {
    const query = raw ? pairs.map(([k, v]) => `${k}=${v}`).join("&") : new URLSearchParams(pairs).toString();
    if (form === "url") return `https://app.example/callback?${query}`;
    if (form === "query") return `?${query}`;
    return new URLSearchParams(query);
  });
/** Near-valid callbacks: one state and one code, plus random extra pairs, shuffled. */
const nearValid = fc
  .record({
    code: fc.string({ maxLength: 40 }),
    extra: fc.array(fc.tuple(name, value), { maxLength: 3 }),
    order: fc.boolean(),
  })
  .map(({ code, extra, order }) => {
    const core: Array<[string, string]> = [
      ["state", STATE],
      ["code", code],
    ];
    const pairs = order ? [...core, ...extra] : [...extra, ...core];
    return `https://app.example/callback?${new URLSearchParams(pairs).toString()}`;
  });
const anything = fc.oneof(
  nearValid,
  callback,
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.constantFrom("https://[::1", "javascript:alert(1)", "http://%zz", "?&&&==&", "a:b?state=x"),
);

/** What the rules say, from an independent reading of the query. */
function shouldAccept(input: string | URLSearchParams): boolean {
  let q: URLSearchParams;
  try {
    if (input instanceof URLSearchParams) q = input;
    else if (/^[a-z][a-z0-9+.-]*:/i.test(input.trim())) q = new URL(input.trim()).searchParams;
    else q = new URLSearchParams(input.trim().slice(input.trim().indexOf("?") + 1));
  } catch {
    return false;
  }
  const all = (k: string) => q.getAll(k);
  return (
    all("error").length === 0 &&
    all("state").length === 1 &&
    all("state")[0] === STATE &&
    all("code").length === 1 &&
    all("code")[0] !== "" &&
    all("realmId").length <= 1 &&
    // A realm id goes into API paths and store keys: empty, or a QuickBooks company id (digits).
    /^(?:[0-9]{1,32})?$/.test(all("realmId")[0] ?? "")
  );
}

const isTyped = (err: unknown) => err instanceof CallbackError || err instanceof AuthorizationResponseError;

test(
  "validateCallback: accepts exactly the callbacks the rules allow; only typed errors",
  { timeout: 600_000 },
  () => {
    fc.assert(
      fc.property(anything, (input) => {
        let accepted = false;
        try {
          const v = validateCallback(input, STATE);
          accepted = true;
          assert.equal(v.state, STATE);
          assert.ok(v.code.length > 0);
        } catch (err) {
          assert.ok(isTyped(err), `typed error only, got ${String(err)}`);
        }
        assert.equal(
          accepted,
          shouldAccept(input),
          `accepted=${accepted} for ${String(input).slice(0, 200)}`,
        );
      }),
      { numRuns: NUM_RUNS },
    );
    counts["validateCallback"] = NUM_RUNS;
  },
);

test("handleCallback: no token request unless the callback is valid", { timeout: 600_000 }, async () => {
  let tokenRequests = 0;
  let accepted = 0;
  const fakeFetch = async () => {
    tokenRequests++;
    const body = { access_token: "at", refresh_token: "rt", token_type: "bearer", expires_in: 3600 };
    return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
  };
  await fc.assert(
    fc.asyncProperty(anything, async (input) => {
      const client = new AuthClient({
        clientId: "id",
        clientSecret: "secret",
        redirectUri: "https://app.example/callback",
        environment: "sandbox",
        fetch: fakeFetch,
        retry: false,
      });
      const before = tokenRequests;
      try {
        const token = await client.handleCallback(input, { expectedState: STATE });
        assert.equal(token.accessToken, "at");
        assert.equal(tokenRequests, before + 1);
        assert.equal(shouldAccept(input), true);
        accepted++;
      } catch (err) {
        assert.ok(isTyped(err), `typed error only, got ${String(err)}`);
        assert.equal(tokenRequests, before, "no token request on rejection");
      }
    }),
    { numRuns: NUM_RUNS },
  );
  assert.ok(accepted > NUM_RUNS / 20, `the valid path was exercised (${accepted} accepted)`);
  counts["handleCallback"] = NUM_RUNS;
});
