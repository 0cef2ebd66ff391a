// Fuzzing id-token verification: random strings and mutated valid tokens are never accepted, and
// every rejection is an IdTokenError with a stable reason. The JWKS is warm (served by a fake
// fetch, so an unknown kid's one refetch finds the same keys), so no JwksError is expected.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { AuthClient, IdTokenError, MissingTokenError, type IdTokenErrorReason } from "../../src/index.js";
import { NUM_RUNS, writeSummary } from "./summary.js";

const REASONS = new Set<IdTokenErrorReason>([
  "alg",
  "kid",
  "signature",
  "issuer",
  "audience",
  "azp",
  "expired",
  "not_yet_valid",
  "nonce",
  "malformed",
]);
const ISSUER = "https://oauth.fuzz.example/op/v1";
const CLIENT_ID = "fuzz-client";
const KID = "fuzz-kid-1";
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const SEC = NOW / 1000;

// 2048 bits: the smallest the client accepts (smaller keys are refused as too weak).
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const publicJwk = { ...publicKey.export({ format: "jwk" }), kid: KID, use: "sig", alg: "RS256" };
const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64url");
const json = (v: unknown) => b64(JSON.stringify(v));
const signatures = new Map<string, string>(); // RSA signing dominates: sign each input once
function signed(headerText: string, payloadText: string, key: KeyObject = privateKey): string {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const memo = `${key === privateKey ? "k" : "o"}${input}`;
  let sig = signatures.get(memo);
  if (sig === undefined) {
    sig = sign("sha256", Buffer.from(input), key).toString("base64url");
    if (signatures.size < 50_000) signatures.set(memo, sig);
  }
  return `${input}.${sig}`;
}
const HEADER = { alg: "RS256", kid: KID, typ: "JWT" };
const CLAIMS = { iss: ISSUER, aud: [CLIENT_ID], sub: "user-1", realmid: "123", iat: SEC, exp: SEC + 3600 };
const VALID = signed(JSON.stringify(HEADER), JSON.stringify(CLAIMS));
const [vh = "", vp = "", vs = ""] = VALID.split(".");

let jwksFetches = 0;
let client: AuthClient;
const counts: Record<string, number> = {};
before(() => {
  client = new AuthClient({
    clientId: CLIENT_ID,
    clientSecret: "fuzz-secret",
    redirectUri: "https://app.example/callback",
    environment: {
      issuer: ISSUER,
      authorizationEndpoint: "https://oauth.fuzz.example/authorize",
      tokenEndpoint: "https://oauth.fuzz.example/token",
      revocationEndpoint: "https://oauth.fuzz.example/revoke",
      userinfoEndpoint: "https://oauth.fuzz.example/userinfo",
      jwksUri: "https://oauth.fuzz.example/jwks",
    },
    clock: () => NOW,
    fetch: async () => {
      jwksFetches++;
      return new Response(JSON.stringify({ keys: [publicJwk] }), {
        headers: { "content-type": "application/json" },
      });
    },
  });
});
after(() =>
  writeSummary("fuzz-id-token", {
    properties: Object.entries(counts).map(([property, numRuns]) => ({ property, numRuns })),
    jwksFetches,
    command: "CI=true node scripts/run-tests.mjs test/reliability/fuzz-id-token",
  }),
);

/** Verifies and returns the rejection reason; fails the property on acceptance or a foreign error. */
async function reason(token: string): Promise<IdTokenErrorReason | "missing"> {
  try {
    await client.validateIdToken(token);
  } catch (err) {
    if (token === "" && err instanceof MissingTokenError) return "missing";
    assert.ok(err instanceof IdTokenError, `only IdTokenError, got ${String(err)}`);
    assert.ok(REASONS.has(err.reason), `stable reason, got ${err.reason}`);
    return err.reason;
  }
  assert.fail(`accepted: ${token.slice(0, 200)}`);
}

async function property(name: string, arb: fc.Arbitrary<string>, expect?: (token: string) => string[]) {
  await fc.assert(
    fc.asyncProperty(arb, async (token) => {
      const r = await reason(token);
      const allowed = expect?.(token);
      if (allowed) assert.ok(allowed.includes(r), `reason ${r}, expected one of ${allowed.join("|")}`);
    }),
    { numRuns: NUM_RUNS },
  );
  counts[name] = NUM_RUNS;
}

test("the unmutated token is accepted (the oracle is sound)", async () => {
  const claims = await client.validateIdToken(VALID);
  assert.equal(claims.sub, "user-1");
});

test("random strings are rejected", { timeout: 600_000 }, async () => {
  const b64chars = fc.constantFrom(..."ABCxyz019-_.+/= \n".split(""));
  await property(
    "random strings",
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 300 }),
      fc.string({ unit: b64chars, maxLength: 300 }),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join(".")),
    ),
  );
});

// Each mutation is [name, arbitrary of tokens, allowed reasons].
const kidValues = fc.oneof(
  fc.string({ maxLength: 40 }).filter((k) => k !== KID),
  fc.constantFrom("../../etc/passwd", "..%2F..%2Fjwks", "fuzz-kid-1\u0000", "FUZZ-KID-1", " fuzz-kid-1"),
  fc.string({ minLength: 5000, maxLength: 12000 }),
  fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object(), fc.boolean()),
);
const badChar = fc.constantFrom("+", "/", "=", " ", "\n", "\t", "%", "*");
const MUTATIONS: Array<[string, fc.Arbitrary<string>, IdTokenErrorReason[]]> = [
  [
    "alg none",
    fc.constantFrom("", vs).map((sig) => `${json({ ...HEADER, alg: "none" })}.${vp}.${sig}`),
    ["alg", "malformed"],
  ],
  [
    "HS256 with the public key as HMAC secret",
    fc.constantFrom(publicPem, JSON.stringify(publicJwk), publicJwk.n ?? "").map((secret) => {
      const input = `${json({ ...HEADER, alg: "HS256" })}.${vp}`;
      return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
    }),
    ["alg"],
  ],
  [
    "other algs (RS512, PS256, ES256, lower-case, array)",
    fc
      .constantFrom<unknown>("RS512", "PS256", "ES256", "rs256", "RS256 ", ["RS256"], null, 256)
      .map((alg) => signed(JSON.stringify({ ...HEADER, alg }), JSON.stringify(CLAIMS))),
    ["alg"],
  ],
  [
    "unknown and injected kids (validly signed)",
    kidValues.map((kid) => signed(JSON.stringify({ ...HEADER, kid }), JSON.stringify(CLAIMS))),
    ["kid", "malformed"],
  ],
  [
    "crit header",
    fc
      .oneof(fc.constant(["exp"]), fc.array(fc.string()), fc.string(), fc.constant([]))
      .map((crit) => signed(JSON.stringify({ ...HEADER, crit }), JSON.stringify(CLAIMS))),
    ["malformed"],
  ],
  [
    "duplicate JSON keys added after signing (hand-built JSON text)",
    fc
      .record({
        where: fc.constantFrom("header", "payload"),
        key: fc.constantFrom("alg", "kid", "iss", "aud", "sub", "exp", "realmid"),
        value: fc.jsonValue(),
        first: fc.boolean(),
      })
      .map(({ where, key, value, first }) => {
        const text = where === "header" ? JSON.stringify(HEADER) : JSON.stringify(CLAIMS);
        const extra = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
        const dup = first ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}`;
        return where === "header" ? `${b64(dup)}.${vp}.${vs}` : `${vh}.${b64(dup)}.${vs}`;
      }),
    ["alg", "kid", "signature", "malformed"],
  ],
  [
    "duplicate JSON keys whose last value is bad (re-signed)",
    fc
      .constantFrom(
        `{"alg":"RS256","kid":"${KID}","alg":"none"}`,
        `{"alg":"RS256","kid":"${KID}","kid":"other"}`,
        `{"alg":"RS256","kid":"${KID}","crit":["exp"],"crit":["x"]}`,
      )
      .map((h) => signed(h, JSON.stringify(CLAIMS))),
    ["alg", "kid", "malformed"],
  ],
  [
    "oversized segments",
    fc
      .record({ n: fc.integer({ min: 10_000, max: 40_000 }), where: fc.constantFrom(0, 1, 2) })
      .map(({ n, where }) => {
        const parts = [vh, vp, vs];
        parts[where] = "A".repeat(n);
        return parts.join(".");
      }),
    // Over 16 KiB the token is refused unread; under it, the padded segment breaks the signature.
    ["malformed", "signature"],
  ],
  [
    "non-JSON segments (validly signed)",
    fc
      .record({ text: fc.string(), where: fc.constantFrom("header", "payload") })
      .filter(({ text }) => {
        try {
          const v: unknown = JSON.parse(text);
          return typeof v !== "object" || v === null || Array.isArray(v);
        } catch {
          return true;
        }
      })
      .map(({ text, where }) =>
        where === "header" ? signed(text, JSON.stringify(CLAIMS)) : signed(JSON.stringify(HEADER), text),
      ),
    ["alg", "malformed"],
  ],
  [
    "invalid base64url (+, /, = padding, whitespace)",
    fc.record({ c: badChar, where: fc.constantFrom(0, 1, 2), at: fc.nat() }).map(({ c, where, at }) => {
      const parts = [vh, vp, vs];
      const p = parts[where] ?? "";
      const i = at % (p.length + 1);
      parts[where] = p.slice(0, i) + c + p.slice(i);
      return parts.join(".");
    }),
    ["malformed"],
  ],
  [
    "a valid signature over altered claims",
    fc
      .record({
        key: fc.constantFrom("iss", "aud", "sub", "exp", "realmid", "iat", "azp", "nonce"),
        value: fc.jsonValue(),
      })
      .filter(
        ({ key, value }) =>
          JSON.stringify(value) !== JSON.stringify((CLAIMS as Record<string, unknown>)[key]),
      )
      .map(({ key, value }) => `${vh}.${json({ ...CLAIMS, [key]: value })}.${vs}`),
    ["signature"],
  ],
  [
    "a flipped signature byte, or another key's signature",
    fc.oneof(
      fc.record({ i: fc.nat(255), bit: fc.integer({ min: 0, max: 7 }) }).map(({ i, bit }) => {
        const sig = Buffer.from(vs, "base64url");
        sig[i % sig.length] = (sig[i % sig.length] ?? 0) ^ (1 << bit);
        return `${vh}.${vp}.${sig.toString("base64url")}`;
      }),
      fc.constant(signed(JSON.stringify(HEADER), JSON.stringify(CLAIMS), other.privateKey)),
      fc.nat(vs.length - 1).map((n) => `${vh}.${vp}.${vs.slice(0, n)}`),
    ),
    ["signature", "malformed"],
  ],
  [
    "header and payload swapped or repeated",
    fc.constantFrom(
      `${vp}.${vh}.${vs}`,
      `${vh}.${vh}.${vs}`,
      `${vp}.${vp}.${vs}`,
      `${vh}.${vp}`,
      `${vh}.${vp}.${vs}.${vs}`,
    ),
    ["alg", "malformed", "signature"],
  ],
  [
    "validly signed but wrong claims (issuer, audience, time, types)",
    fc
      .constantFrom<Record<string, unknown>>(
        { iss: "https://evil.example" },
        { aud: "someone-else" },
        { aud: [CLIENT_ID, "other"] },
        { azp: "other" },
        { exp: SEC - 3600 },
        { exp: "9999999999" },
        { nbf: SEC + 3600 },
        { iat: SEC + 3600 },
        { sub: 42 },
        { exp: null },
      )
      .map((change) => signed(JSON.stringify(HEADER), JSON.stringify({ ...CLAIMS, ...change }))),
    ["issuer", "audience", "azp", "expired", "not_yet_valid", "malformed"],
  ],
];

for (const [name, arb, reasons] of MUTATIONS) {
  test(`mutated valid tokens: ${name} → rejected (${reasons.join("|")})`, { timeout: 600_000 }, async () => {
    await property(`mutation: ${name}`, arb, () => reasons);
  });
}

test("the warm JWKS was refetched only for unknown kids, and rarely (cooldown)", () => {
  assert.ok(jwksFetches <= 5, `${jwksFetches} JWKS fetches`);
});
