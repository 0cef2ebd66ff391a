// ID token verification: the positive case, one table-driven case per rejection reason, strict
// base64url, and "store nothing" when a token endpoint returns an invalid id_token.
import assert from "node:assert/strict";
import { KeyObject, createPublicKey, sign } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { CompactSign, SignJWT, jwtVerify, createLocalJWKSet } from "jose";
import { AuthClient, IdTokenError, MissingTokenError, type IdTokenErrorReason } from "../../src/index.js";
import {
  CLIENT_ID,
  newSigningKey,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
  type SigningKey,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
let stranger: SigningKey;
before(async () => {
  server = await startFakeIntuit();
  stranger = await newSigningKey("unpublished-kid");
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ body: tokenBody() }));
});

const NOW = Date.UTC(2026, 2, 1, 9, 30, 0);
const SEC = Math.floor(NOW / 1000);
const client = (extra = {}) => new AuthClient(server.clientOptions({ clock: () => NOW, ...extra }));
const b64url = (v: unknown) =>
  Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

describe("validateIdToken accepts", () => {
  test("a valid Intuit token and returns its claims, realmid included", async () => {
    const token = await server.signIdToken({}, { now: NOW });
    const claims = await client().validateIdToken(token);
    assert.deepEqual(claims, {
      iss: server.issuer,
      aud: [CLIENT_ID],
      sub: "2b5d2a86-0f1f-4f4b-9d43-6f5e5b0c7a11",
      realmid: "1108033471",
      iat: SEC,
      exp: SEC + 3600,
      auth_time: SEC,
    });
    // Cross-check with jose against the same JWKS.
    const jwks = createLocalJWKSet({ keys: server.keys.map((k) => k.publicJwk) });
    const { payload } = await jwtVerify(token, jwks, {
      issuer: server.issuer,
      audience: CLIENT_ID,
      currentDate: new Date(NOW),
    });
    assert.deepEqual(claims, payload);
  });

  const passes: Array<
    [string, Record<string, unknown>, { nonce?: string; clockToleranceSeconds?: number }?]
  > = [
    ["aud as a plain string", { aud: CLIENT_ID }],
    ["several audiences with azp = client id", { aud: [CLIENT_ID, "other"], azp: CLIENT_ID }],
    ["one audience with azp = client id", { azp: CLIENT_ID }],
    ["iat 10 s in the future", { iat: SEC + 10 }],
    ["nbf 25 s in the future", { nbf: SEC + 25 }],
    ["exp 20 s ago (within the 30 s tolerance)", { exp: SEC - 20 }],
    ["a matching nonce", { nonce: "n-1" }, { nonce: "n-1" }],
    ["no nonce although one was sent (Intuit does not echo it)", {}, { nonce: "n-1" }],
    ["exp 50 s ago with clockToleranceSeconds 60", { exp: SEC - 50 }, { clockToleranceSeconds: 60 }],
  ];
  for (const [name, claims, opts] of passes) {
    test(name, async () => {
      const token = await server.signIdToken(claims, { now: NOW });
      const got = await client().validateIdToken(token, opts);
      for (const [k, v] of Object.entries(claims)) assert.deepEqual(got[k], v);
    });
  }

  test("segments containing - and _ (strict base64url; plain base64 corrupts these)", async () => {
    // Find filler that makes the payload segment contain both '-' and '_'.
    let token = "";
    for (let pad = 0; pad < 3 && !token; pad++) {
      const t = await server.signIdToken({ name: `${"x".repeat(pad)}???>>>~~~???>>>` }, { now: NOW });
      const payload = t.split(".")[1]!;
      if (payload.includes("-") && payload.includes("_")) token = t;
    }
    assert.ok(token, "could not build a token with - and _");
    const claims = await client().validateIdToken(token);
    assert.match(String(claims["name"]), /\?\?\?>>>~~~\?\?\?>>>$/);
  });

  test("an empty token is 'not specified'", async () => {
    const err = await rejection(client().validateIdToken(""));
    assert.ok(err instanceof MissingTokenError);
    assert.equal(err.message, "ID token not specified");
  });

  test("the client's own id token when called without an argument", async () => {
    const token = await server.signIdToken({}, { now: NOW });
    const claims = await client({ idToken: token }).validateIdToken();
    assert.equal(claims.realmid, "1108033471");
  });
});

describe("validateIdToken rejects, with a stable reason", () => {
  type Case = [
    string,
    IdTokenErrorReason,
    () => Promise<string>,
    { nonce?: string; clockToleranceSeconds?: number }?,
  ];
  const signed = (claims: Record<string, unknown>, header?: Record<string, unknown>) => () =>
    server.signIdToken(claims, { now: NOW, ...(header ? { header } : {}) });
  const cases: Case[] = [
    [
      "alg none",
      "alg",
      async () => {
        const good = await server.signIdToken({}, { now: NOW });
        return `${b64url({ alg: "none", kid: server.keys[0]!.kid })}.${good.split(".")[1]}.`;
      },
    ],
    [
      "alg none with a signature",
      "alg",
      async () => {
        const good = (await server.signIdToken({}, { now: NOW })).split(".");
        return `${b64url({ alg: "none", kid: server.keys[0]!.kid })}.${good[1]}.${good[2]}`;
      },
    ],
    [
      "HS256 signed with the public key as the HMAC secret",
      "alg",
      async () => {
        const pem = createPublicKey({ key: server.keys[0]!.publicJwk as never, format: "jwk" }).export({
          type: "spki",
          format: "pem",
        });
        const payload = { iss: server.issuer, aud: [CLIENT_ID], sub: "s", iat: SEC, exp: SEC + 3600 };
        return new SignJWT(payload)
          .setProtectedHeader({ alg: "HS256", kid: server.keys[0]!.kid })
          .sign(new TextEncoder().encode(String(pem)));
      },
    ],
    [
      "RS512",
      "alg",
      async () => {
        const [, p, sig] = (await server.signIdToken({}, { now: NOW })).split(".");
        return `${b64url({ alg: "RS512", kid: server.keys[0]!.kid })}.${p}.${sig}`;
      },
    ],
    ["an unknown kid", "kid", () => server.signIdToken({}, { now: NOW, key: stranger })],
    ["no kid", "kid", signed({}, { kid: undefined })],
    [
      "an altered payload",
      "signature",
      async () => {
        const [h, p, s] = (await server.signIdToken({}, { now: NOW })).split(".");
        const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
        return `${h}.${b64url({ ...claims, realmid: "999" })}.${s}`;
      },
    ],
    [
      "a token signed by another key under a published kid",
      "signature",
      () => server.signIdToken({}, { now: NOW, key: { ...stranger, kid: server.keys[0]!.kid } }),
    ],
    ["another issuer", "issuer", signed({ iss: "https://oauth.platform.intuit.com/op/v1" })],
    [
      "the issuer with a trailing slash",
      "issuer",
      () => server.signIdToken({ iss: `${server.issuer}/` }, { now: NOW }),
    ],
    ["no issuer", "issuer", signed({ iss: undefined })],
    ["aud as another string", "audience", signed({ aud: "other-client" })],
    ["aud as an array without the client", "audience", signed({ aud: ["other-client", "third"] })],
    ["several audiences, azp missing", "azp", signed({ aud: [CLIENT_ID, "other"] })],
    ["several audiences, azp another client", "azp", signed({ aud: [CLIENT_ID, "other"], azp: "other" })],
    ["one audience, azp another client", "azp", signed({ azp: "other" })],
    ["exp 31 s ago", "expired", signed({ exp: SEC - 31 })],
    [
      "exp 5 s ago with clockToleranceSeconds 0",
      "expired",
      signed({ exp: SEC - 5 }),
      { clockToleranceSeconds: 0 },
    ],
    ["nbf 31 s ahead", "not_yet_valid", signed({ nbf: SEC + 31 })],
    ["iat 60 s ahead", "not_yet_valid", signed({ iat: SEC + 60 })],
    ["a different nonce", "nonce", signed({ nonce: "n-2" }), { nonce: "n-1" }],
    ["a nonce when none was sent (a replay from another flow)", "nonce", signed({ nonce: "n-1" }), {}],
    [
      "'+' in a segment (plain base64)",
      "malformed",
      async () => {
        const [h, p, s] = (await server.signIdToken({}, { now: NOW })).split(".");
        return `${h}.${p}.${s!.slice(0, 10)}+${s!.slice(11)}`;
      },
    ],
    [
      "'/' in a segment (plain base64)",
      "malformed",
      async () => {
        const [h, p, s] = (await server.signIdToken({}, { now: NOW })).split(".");
        return `${h}.${p!.slice(0, 5)}/${p!.slice(6)}.${s}`;
      },
    ],
    ["padding '='", "malformed", async () => `${await server.signIdToken({}, { now: NOW })}=`],
    [
      "two parts",
      "malformed",
      async () => (await server.signIdToken({}, { now: NOW })).split(".").slice(0, 2).join("."),
    ],
    ["four parts", "malformed", async () => `${await server.signIdToken({}, { now: NOW })}.xyz`],
    [
      "an empty payload",
      "malformed",
      async () => {
        const [h, , s] = (await server.signIdToken({}, { now: NOW })).split(".");
        return `${h}..${s}`;
      },
    ],
    [
      "a payload with '/' that the published key really signed",
      "malformed",
      async () => {
        const input = `${b64url({ alg: "RS256", kid: server.keys[0]!.kid })}.${b64url({ iss: server.issuer }).slice(0, -2)}/A`;
        const sig = sign("sha256", Buffer.from(input), KeyObject.from(server.keys[0]!.privateKey));
        return `${input}.${sig.toString("base64url")}`;
      },
    ],
    [
      "a JSON number as the payload",
      "malformed",
      async () =>
        new CompactSign(new TextEncoder().encode("42"))
          .setProtectedHeader({ alg: "RS256", kid: server.keys[0]!.kid })
          .sign(server.keys[0]!.privateKey),
    ],
    ["a non-JSON header", "malformed", async () => `${b64url("not json")}.${b64url({})}.abc`],
    [
      "a correctly signed non-JSON payload",
      "malformed",
      async () =>
        new CompactSign(new TextEncoder().encode("not json at all"))
          .setProtectedHeader({ alg: "RS256", kid: server.keys[0]!.kid })
          .sign(server.keys[0]!.privateKey),
    ],
    ["a numeric exp as a string", "malformed", signed({ exp: String(SEC + 3600) })],
    ["no sub", "malformed", signed({ sub: undefined })],
  ];
  for (const [name, reason, make, opts] of cases) {
    test(`${name} → ${reason}`, async () => {
      const token = await make();
      const err = await rejection(client().validateIdToken(token, opts));
      assert.ok(err instanceof IdTokenError, `got ${String(err)}`);
      assert.equal(err.reason, reason, err.message);
      assert.equal(err.code, "ERR_ID_TOKEN");
    });
  }
});

describe("an invalid id_token stores nothing", () => {
  test("getBearerToken rejects and leaves every token field unset", async () => {
    const bad = await server.signIdToken({ aud: "someone-else" }, { now: NOW });
    server.on("/token", () => ({ body: tokenBody({ id_token: bad }) }));
    const c = client();
    const err = await rejection(c.getBearerToken("code", { realmId: "1" }));
    assert.ok(err instanceof IdTokenError);
    assert.equal(err.reason, "audience");
    assert.equal(c.accessToken, undefined);
    assert.equal(c.refreshToken, undefined);
    assert.equal(c.idToken, undefined);
    assert.equal(c.expiresIn, undefined);
    assert.equal(c.xRefreshTokenExpiresIn, undefined);
    assert.equal(c.realmId, undefined);
    assert.equal(c.token, undefined);
  });

  test("handleCallback checks the nonce of the authorization request", async () => {
    const c = client({ singleUser: true });
    c.getAuthorizationUrl(["openid"], { nonce: "expected-nonce" });
    const bad = await server.signIdToken({ nonce: "other" }, { now: NOW });
    server.on("/token", () => ({ body: tokenBody({ id_token: bad }) }));
    const err = await rejection(c.handleCallback(`/callback?code=c&state=${c.stateToken}`));
    assert.ok(err instanceof IdTokenError);
    assert.equal(err.reason, "nonce");
    assert.equal(c.accessToken, undefined);
    const good = await server.signIdToken({ nonce: "expected-nonce" }, { now: NOW });
    server.on("/token", () => ({ body: tokenBody({ id_token: good }) }));
    const c2 = client({ singleUser: true });
    c2.getAuthorizationUrl(["openid"], { nonce: "expected-nonce" });
    const token = await c2.handleCallback(`/callback?code=c&state=${c2.stateToken}`);
    assert.equal(token.idToken, good);
  });

  test("refresh with a new invalid id_token keeps the rotated tokens but not that ID token", async () => {
    // The refresh token has rotated at Intuit already: rejecting here would lose it.
    const c = client({ accessToken: "AT-old", refreshToken: "RT-old", idToken: "eyJ.old.token" });
    const bad = await server.signIdToken({ exp: SEC - 3600 }, { now: NOW });
    server.on("/token", () => ({
      body: tokenBody({ access_token: "AT-new", refresh_token: "RT-new", id_token: bad }),
    }));
    const token = await c.refresh();
    assert.equal(token.refreshToken, "RT-new");
    assert.equal(c.accessToken, "AT-new");
    assert.equal(c.refreshToken, "RT-new");
    assert.equal(token.idToken, "eyJ.old.token");
    assert.equal(c.idToken, "eyJ.old.token");
  });
});
