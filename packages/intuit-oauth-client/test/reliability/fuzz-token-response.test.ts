// Fuzzing token-endpoint answers (random JSON and garbage with 200/400/500, served by a fake fetch):
// a TokenSet only when the body is a usable token response, otherwise an AuthClientError; never a
// TypeError or SyntaxError, and never a token set with a NaN, negative or absurd expiry.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { AuthClient, AuthClientError } from "../../src/index.js";
import { NUM_RUNS, writeSummary } from "./summary.js";

const counts: Record<string, number> = {};
after(() =>
  writeSummary("fuzz-token-response", {
    properties: Object.entries(counts).map(([property, numRuns]) => ({ property, numRuns })),
    command: "CI=true node scripts/run-tests.mjs test/reliability/fuzz-token-response",
  }),
);

const NOW = Date.UTC(2026, 5, 1);
const field = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constant(""),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, [], {}, "3600", "-1", "1e400", "NaN", " 3600 ", "0x10"),
);
const number = fc.oneof(
  fc.nat(10_000_000),
  fc.double(),
  fc.constantFrom(-1, 1e300, Number.MAX_VALUE, "3600", "soon", null),
);
/** Token-shaped bodies: each field present or not, right type or not. */
const tokenish = fc.record(
  {
    access_token: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), field),
    refresh_token: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), field),
    token_type: fc.oneof(fc.constant("bearer"), field),
    expires_in: number,
    x_refresh_token_expires_in: number,
    x_refresh_token_hard_expires_in: number,
    error: fc.oneof(fc.constantFrom("invalid_grant", "invalid_client"), field),
    realmId: field,
  },
  { requiredKeys: [] },
);
const VALID = {
  access_token: "at",
  refresh_token: "rt",
  token_type: "bearer",
  expires_in: 3600,
  x_refresh_token_expires_in: 8726400,
};
/** A valid body with one field replaced or removed. */
const oneBadField = fc
  .record({
    key: fc.constantFrom(...Object.keys(VALID), "error", "x_refresh_token_hard_expires_in"),
    value: fc.oneof(field, number),
    drop: fc.boolean(),
  })
  .map(({ key, value, drop }) => {
    const o: Record<string, unknown> = { ...VALID, [key]: value };
    if (drop) delete o[key];
    return JSON.stringify(o);
  });
const body = fc.oneof(
  oneBadField,
  tokenish.map((o) => JSON.stringify(o)),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.constantFrom("", "null", "[]", '{"access_token":', "<html>ok</html>", "\u0000", '{"__proto__":{"x":1}}'),
);
const status = fc.constantFrom(200, 200, 200, 400, 401, 500);

function client(reply: { status: number; body: string }): AuthClient {
  return new AuthClient({
    clientId: "id",
    clientSecret: "secret",
    redirectUri: "https://app.example/callback",
    environment: "sandbox",
    retry: false,
    clock: () => NOW,
    fetch: async () =>
      new Response(reply.body, { status: reply.status, headers: { "content-type": "application/json" } }),
  });
}

test(
  "refresh: a token set only for a usable 200 body, else AuthClientError",
  { timeout: 600_000 },
  async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(status, body, async (st, text) => {
        try {
          const set = await client({ status: st, body: text }).refresh("previous-rt");
          accepted++;
          assert.equal(st, 200);
          const parsed = JSON.parse(text) as Record<string, unknown>;
          assert.equal(typeof parsed["error"] === "string", false, "no error member");
          assert.equal(set.accessToken, parsed["access_token"]);
          assert.ok(set.accessToken.length > 0);
          assert.ok(typeof set.refreshToken === "string" && set.refreshToken.length > 0);
          for (const n of [
            set.expiresIn,
            set.xRefreshTokenExpiresIn,
            set.accessTokenExpiresAt,
            set.refreshTokenExpiresAt,
          ])
            assert.ok(Number.isFinite(n) && n >= 0, `finite, non-negative: ${n}`);
          assert.ok(set.accessTokenExpiresAt <= NOW + 1e13, "no absurd expiry");
        } catch (err) {
          assert.ok(err instanceof AuthClientError, `AuthClientError only, got ${String(err)}`);
          assert.ok(!(err instanceof TypeError) && !(err instanceof SyntaxError));
        }
      }),
      { numRuns: NUM_RUNS },
    );
    assert.ok(accepted > 0, "the success path was exercised");
    counts["token endpoint bodies"] = NUM_RUNS;
  },
);
