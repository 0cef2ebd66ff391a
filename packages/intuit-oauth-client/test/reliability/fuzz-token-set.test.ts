// Fuzzing what stores hand back: tokenSetFromJSON and parseRecord give a valid TokenSet/record or
// throw TokenSetFormatError; garbage (NaN, negative, absurd expiries, wrong types) is never accepted.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { TokenSetFormatError, tokenSetFromJSON, type TokenSet } from "../../src/index.js";
import { parseRecord } from "../../src/store-kit.js";
import { NUM_RUNS, writeSummary } from "./summary.js";

const counts: Record<string, number> = {};
after(() =>
  writeSummary("fuzz-token-set", {
    properties: Object.entries(counts).map(([property, numRuns]) => ({ property, numRuns })),
    command: "CI=true node scripts/run-tests.mjs test/reliability/fuzz-token-set",
  }),
);

const MAX_EPOCH_MS = 8.64e15; // the largest valid Date
const num = fc.oneof(
  fc.nat(),
  fc.constantFrom(1_780_000_000_000, 3600, 0),
  fc.double(),
  fc.constantFrom(
    -1,
    1e300,
    Number.MAX_VALUE,
    Infinity,
    "3600",
    "1780000000000",
    "-5",
    "1e3",
    "",
    null,
    "NaN",
  ),
);
const str = fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom("", null, 0, [], {}));
const tokenSetLike = fc.record(
  {
    accessToken: str,
    refreshToken: str,
    tokenType: str,
    expiresIn: num,
    xRefreshTokenExpiresIn: num,
    xRefreshTokenHardExpiresIn: num,
    accessTokenExpiresAt: num,
    refreshTokenExpiresAt: num,
    refreshTokenHardExpiresAt: num,
    receivedAt: num,
    idToken: str,
    realmId: str,
    intuitTid: str,
  },
  { requiredKeys: [] },
);

function assertValid(set: TokenSet): void {
  assert.ok(typeof set.accessToken === "string" && set.accessToken !== "");
  assert.ok(typeof set.refreshToken === "string" && set.refreshToken !== "");
  for (const k of [
    "expiresIn",
    "xRefreshTokenExpiresIn",
    "accessTokenExpiresAt",
    "refreshTokenExpiresAt",
    "receivedAt",
  ] as const)
    assert.ok(Number.isFinite(set[k]) && set[k] >= 0 && set[k] <= MAX_EPOCH_MS, `${k} = ${set[k]}`);
  for (const k of ["xRefreshTokenHardExpiresIn", "refreshTokenHardExpiresAt"] as const) {
    const v = set[k];
    if (v !== undefined) assert.ok(Number.isFinite(v) && v >= 0 && v <= MAX_EPOCH_MS, `${k} = ${v}`);
  }
}

const VALID = {
  accessToken: "a",
  refreshToken: "r",
  expiresIn: 3600,
  xRefreshTokenExpiresIn: 8726400,
  accessTokenExpiresAt: 1_780_000_000_000,
  refreshTokenExpiresAt: 1_790_000_000_000,
  receivedAt: 1_779_999_000_000,
};
/** A valid set with one field replaced: the property's sharpest edge. */
const FIELDS = [
  ...Object.keys(VALID),
  "xRefreshTokenHardExpiresIn",
  "refreshTokenHardExpiresAt",
  "tokenType",
  "idToken",
  "realmId",
];
const oneBadField = fc
  .record({ key: fc.constantFrom(...FIELDS), value: fc.oneof(num, str) })
  .map(({ key, value }) => ({ ...VALID, [key]: value }));
const input = fc.oneof(
  oneBadField,
  tokenSetLike,
  tokenSetLike.map((o) => JSON.stringify(o)),
  fc.json(),
  fc.jsonValue(),
  fc.string({ maxLength: 100 }),
);

test("tokenSetFromJSON: a valid token set or TokenSetFormatError", { timeout: 600_000 }, () => {
  fc.assert(
    fc.property(input, (v) => {
      try {
        assertValid(tokenSetFromJSON(v));
      } catch (err) {
        assert.ok(err instanceof TokenSetFormatError, `TokenSetFormatError only, got ${String(err)}`);
      }
    }),
    { numRuns: NUM_RUNS },
  );
  counts["tokenSetFromJSON"] = NUM_RUNS;
});

test("parseRecord: a valid record or TokenSetFormatError", { timeout: 600_000 }, () => {
  const record = fc.record(
    {
      realmId: str,
      token: fc.oneof(tokenSetLike, fc.jsonValue()),
      updatedAt: num,
      reauthorization: fc.oneof(
        fc.record({ reason: fc.constantFrom("invalid_grant", "other", 5), at: num }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
      warningsSent: fc.oneof(fc.array(num, { maxLength: 3 }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(
      fc.oneof(
        record,
        record.map((r) => JSON.stringify(r)),
        fc.string(),
      ),
      (v) => {
        try {
          const r = parseRecord(v);
          assert.ok(typeof r.realmId === "string" && r.realmId !== "");
          assertValid(r.token);
          assert.ok(Number.isFinite(r.updatedAt) && r.updatedAt >= 0);
        } catch (err) {
          assert.ok(err instanceof TokenSetFormatError, `TokenSetFormatError only, got ${String(err)}`);
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
  counts["parseRecord"] = NUM_RUNS;
});

test("absurd stored expiries are refused (table)", () => {
  const base = {
    accessToken: "a",
    refreshToken: "r",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8726400,
    accessTokenExpiresAt: 1_780_000_000_000,
    refreshTokenExpiresAt: 1_790_000_000_000,
    receivedAt: 1_779_999_000_000,
  };
  assert.equal(tokenSetFromJSON(base).accessTokenExpiresAt, 1_780_000_000_000);
  for (const [field, value] of [
    ["accessTokenExpiresAt", 1e300],
    ["accessTokenExpiresAt", Number.MAX_VALUE],
    ["refreshTokenExpiresAt", 9e15],
    ["expiresIn", 1e20],
    ["receivedAt", -1],
    ["accessTokenExpiresAt", "NaN"],
  ] as const) {
    assert.throws(
      () => tokenSetFromJSON({ ...base, [field]: value }),
      TokenSetFormatError,
      `${field}=${value}`,
    );
  }
});
