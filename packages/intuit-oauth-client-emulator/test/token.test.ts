import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { startEmulator, type Emulator } from "../src/index.js";
import {
  ACCOUNTING,
  basic,
  code,
  exchange,
  headerNames,
  REALM_1,
  REDIRECT,
  TID,
  tokenRequest,
  userinfo,
  type TokenJson,
} from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({
    port: 0,
    clients: [
      { clientId: "emulator-client-id", clientSecret: "emulator-client-secret", redirectUris: [REDIRECT] },
      { clientId: "b", clientSecret: "sb", redirectUris: [REDIRECT] },
    ],
  });
});
after(() => emu.close());

const KEY_ORDER = [
  "id_token",
  "expires_in",
  "token_type",
  "x_refresh_token_expires_in",
  "refresh_token",
  "access_token",
];

test("code exchange with client_secret_basic: headers and keys in Intuit's order, exact values", async () => {
  const theCode = await code(emu, { scope: `${ACCOUNTING} openid email`, nonce: "n-0S6" });
  const res = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: theCode,
    redirect_uri: REDIRECT,
  });
  assert.equal(res.status, 200);
  assert.deepEqual(headerNames(res).slice(0, 7), [
    "content-type",
    "cache-control",
    "pragma",
    "strict-transport-security",
    "intuit_tid",
    "date",
    "content-length",
  ]);
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  assert.equal(res.headers["cache-control"], "no-cache, no-store");
  assert.equal(res.headers["pragma"], "no-cache");
  assert.equal(res.headers["strict-transport-security"], "max-age=15552000");
  assert.match(String(res.headers["intuit_tid"]), TID);
  const body = JSON.parse(res.text) as TokenJson;
  assert.deepEqual(Object.keys(body), KEY_ORDER);
  assert.equal(body.expires_in, 3600);
  assert.equal(body.token_type, "bearer");
  assert.equal(body.x_refresh_token_expires_in, 8726400);
  assert.match(body.refresh_token, /^RT1-\d{2}-H0-\d{10}[a-z0-9]{24}$/);
  // Intuit's access tokens are compact JWEs ("dir", A128CBC-HS256), about 900 characters.
  assert.match(
    body.access_token,
    /^eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0\.\.[\w-]{22}\.[\w-]{832}\.[\w-]{22}$/,
  );
  assert.equal(body.access_token.length, 927);

  const jwks = createRemoteJWKSet(new URL(`${emu.url}/op/v1/jwks`));
  const { payload, protectedHeader } = await jwtVerify(body.id_token ?? "", jwks, {
    issuer: emu.issuer,
    audience: emu.defaultClient.clientId,
    algorithms: ["RS256"],
  });
  assert.equal(protectedHeader.alg, "RS256");
  assert.equal(typeof protectedHeader.kid, "string");
  assert.deepEqual(payload.aud, ["emulator-client-id"]);
  assert.equal(payload.realmid, REALM_1);
  assert.equal(payload.sub, "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34");
  assert.equal("nonce" in payload, false, "Intuit does not echo nonce");
  assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
  assert.equal(payload.auth_time, payload.iat);
  assert.equal(payload.iss, "https://oauth.platform.intuit.com/op/v1");
});

test("code exchange with client_secret_post works too", async () => {
  const theCode = await code(emu);
  const res = await tokenRequest(
    emu,
    {
      grant_type: "authorization_code",
      code: theCode,
      redirect_uri: REDIRECT,
      client_id: "emulator-client-id",
      client_secret: "emulator-client-secret",
    },
    {},
  );
  assert.equal(res.status, 200);
  assert.equal((JSON.parse(res.text) as TokenJson).token_type, "bearer");
});

test("no id_token without openid; no realmid claim without accounting", async () => {
  const noOpenid = await exchange(emu, await code(emu, { scope: ACCOUNTING }));
  assert.deepEqual(Object.keys(noOpenid), KEY_ORDER.slice(1));
  const onlyOpenid = await exchange(emu, await code(emu, { scope: "openid profile" }));
  const claims = JSON.parse(
    Buffer.from(onlyOpenid.id_token?.split(".")[1] ?? "", "base64url").toString(),
  ) as Record<string, unknown>;
  assert.deepEqual(Object.keys(claims), ["sub", "aud", "auth_time", "iss", "exp", "iat"]);
});

test("hard expiry only with the opt-in header", async () => {
  const body = await exchange(emu, await code(emu), { "x-include-refresh-token-hard-expires-in": "true" });
  assert.deepEqual(Object.keys(body), [...KEY_ORDER, "x_refresh_token_hard_expires_in"]);
  assert.equal(body.x_refresh_token_hard_expires_in, 5 * 365 * 86400);
});

const clientFailures: Array<[string, Record<string, string>, Record<string, string>]> = [
  ["wrong secret", {}, { authorization: basic("emulator-client-id", "nope") }],
  ["unknown client", {}, { authorization: basic("nobody", "emulator-client-secret") }],
  ["malformed Basic", {}, { authorization: "Basic !!!" }],
  ["no credentials", {}, {}],
  ["post with wrong secret", { client_id: "emulator-client-id", client_secret: "x" }, {}],
];
for (const [name, extra, headers] of clientFailures) {
  test(`client auth failure (${name}) → 401 invalid_client`, async () => {
    const res = await tokenRequest(
      emu,
      { grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT, ...extra },
      headers,
    );
    assert.equal(res.status, 401);
    assert.equal(res.text, '{"error":"invalid_client"}');
    assert.match(String(res.headers["intuit_tid"]), TID);
  });
}

test("grant_type errors: missing → invalid_request, unknown → unsupported_grant_type, missing code → invalid_request", async () => {
  const missing = await tokenRequest(emu, { code: "x" });
  assert.equal(missing.status, 400);
  assert.equal(missing.text, '{"error":"invalid_request"}');
  const unknown = await tokenRequest(emu, { grant_type: "password" });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.text, '{"error":"unsupported_grant_type"}');
  const noCode = await tokenRequest(emu, { grant_type: "authorization_code", redirect_uri: REDIRECT });
  assert.equal(noCode.text, '{"error":"invalid_request"}');
  const noRt = await tokenRequest(emu, { grant_type: "refresh_token" });
  assert.equal(noRt.text, '{"error":"invalid_request"}');
});

test("code reuse → invalid_grant and the first exchange's tokens are revoked", async () => {
  const theCode = await code(emu, { scope: `${ACCOUNTING} openid email` });
  const first = await exchange(emu, theCode);
  assert.equal((await userinfo(emu, first.access_token)).status, 200);
  const again = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: theCode,
    redirect_uri: REDIRECT,
  });
  assert.equal(again.status, 400);
  assert.equal(again.text, '{"error":"invalid_grant"}');
  assert.equal((await userinfo(emu, first.access_token)).status, 401);
  assert.equal(emu.isAccessTokenValid(first.access_token), false);
  const refreshed = await tokenRequest(emu, {
    grant_type: "refresh_token",
    refresh_token: first.refresh_token,
  });
  assert.equal(refreshed.status, 400);
});

test("expired code (5 min + 1 s) → invalid_grant", async () => {
  const theCode = await code(emu);
  emu.advanceClock(5 * 60 * 1000 + 1000);
  const res = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: theCode,
    redirect_uri: REDIRECT,
  });
  assert.equal(res.status, 400);
  assert.equal(res.text, '{"error":"invalid_grant"}');
});

test("redirect_uri mismatch → invalid_grant; the code still works with the right one", async () => {
  const theCode = await code(emu);
  const res = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: theCode,
    redirect_uri: "http://localhost:8000/callback",
  });
  assert.equal(res.status, 400);
  assert.equal(res.text, '{"error":"invalid_grant"}');
  assert.equal((await exchange(emu, theCode)).token_type, "bearer");
});

test("code from another client → invalid_grant", async () => {
  const theCode = await code(emu);
  const res = await tokenRequest(
    emu,
    { grant_type: "authorization_code", code: theCode, redirect_uri: REDIRECT },
    { authorization: basic("b", "sb") },
  );
  assert.equal(res.status, 400);
  assert.equal(res.text, '{"error":"invalid_grant"}');
});

test("PKCE S256: right verifier works, wrong or missing verifier → invalid_grant", async () => {
  const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = { code_challenge: challenge, code_challenge_method: "S256" };
  const expected = '{"error":"invalid_grant","error_description":"PKCE verification failed"}';
  const c1 = await code(emu, params);
  const missing = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: c1,
    redirect_uri: REDIRECT,
  });
  assert.equal(missing.text, expected);
  const wrong = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: c1,
    redirect_uri: REDIRECT,
    code_verifier: `${verifier}x`,
  });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.text, expected);
  const good = await tokenRequest(emu, {
    grant_type: "authorization_code",
    code: c1,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
  assert.equal(good.status, 200);
});

test("ID tokens after key rotation carry the new kid and verify against the JWKS", async () => {
  const before = await exchange(emu, await code(emu));
  emu.rotateSigningKeys();
  const afterRotation = await exchange(emu, await code(emu));
  const kidBefore = decodeProtectedHeader(before.id_token ?? "").kid;
  const kidAfter = decodeProtectedHeader(afterRotation.id_token ?? "").kid;
  assert.notEqual(kidBefore, kidAfter);
  const jwks = createRemoteJWKSet(new URL(`${emu.url}/op/v1/jwks`));
  for (const t of [before, afterRotation]) {
    const { payload } = await jwtVerify(t.id_token ?? "", jwks, {
      issuer: "https://oauth.platform.intuit.com/op/v1",
      audience: "emulator-client-id",
    });
    assert.equal(payload.realmid, REALM_1);
  }
});
