// Security review finding 15: tighter validation of ID tokens, keys, token responses, userinfo,
// redirect URIs, revoke authentication and the per-realm limiter's memory.
import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  AuthClientError,
  ConfigurationError,
  IdTokenError,
  IntuitOAuthError,
  JwksError,
  MemoryTokenStore,
  Scopes,
  TokenManager,
  quickbooks,
} from "../../src/index.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  DEFAULT_SUB,
  REDIRECT_URI,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ body: tokenBody() }));
  server.on("/jwks", () => ({ body: { keys: server.keys.map((k) => k.publicJwk) } }));
});

const client = (extra: Record<string, unknown> = {}) => new AuthClient(server.clientOptions(extra));

describe("ID tokens", () => {
  test("a signature segment that is not canonical base64url is refused", async () => {
    const token = await server.signIdToken();
    const sig = token.slice(token.lastIndexOf(".") + 1);
    // 256 signature bytes: 342 characters, the last carrying 4 unused low bits. Setting one keeps
    // the decoded bytes the same, so only a canonical check can see it.
    const last = sig[sig.length - 1]!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    const forged = token.slice(0, token.length - 1) + twin;
    assert.equal(
      Buffer.from(forged.slice(forged.lastIndexOf(".") + 1), "base64url").equals(
        Buffer.from(sig, "base64url"),
      ),
      true,
    );
    const err = await rejection(client().validateIdToken(forged));
    assert.ok(err instanceof IdTokenError, String(err));
    assert.equal(err.reason, "malformed");
  });

  test("every last character of the signature: not canonical base64url is malformed, a canonical one fails the signature", async () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const c = client();
    const token = await server.signIdToken();
    const signature = token.slice(token.lastIndexOf(".") + 1);
    let refusedAsMalformed = 0;
    for (const ch of alphabet) {
      const changed = signature.slice(0, -1) + ch;
      if (changed === signature) continue;
      const canonical = Buffer.from(changed, "base64url").toString("base64url") === changed;
      const err = await rejection(c.validateIdToken(token.slice(0, -1) + ch));
      assert.ok(err instanceof IdTokenError, String(err));
      assert.equal(err.reason, canonical ? "signature" : "malformed", `last character ${ch}`);
      if (!canonical) refusedAsMalformed++;
    }
    // 4 unused bits: 15 of the 16 spellings of the last character's value are not canonical.
    assert.equal(refusedAsMalformed, 60);
  });

  test("an ID token without iat is refused", async () => {
    const token = await server.signIdToken({ iat: undefined });
    const err = await rejection(client().validateIdToken(token));
    assert.ok(err instanceof IdTokenError, String(err));
    assert.equal(err.reason, "malformed");
  });

  test("an ID token carrying a nonce the client never sent is refused", async () => {
    const token = await server.signIdToken({ nonce: "replayed-from-another-flow" });
    server.on("/token", () => ({ body: tokenBody({ id_token: token }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const err = await rejection(
      c.handleCallback(`${REDIRECT_URI}?code=c&state=${req.state}&realmId=1108033471`, {
        expectedState: req.state,
      }),
    );
    assert.ok(err instanceof IdTokenError, String(err));
    assert.equal(err.reason, "nonce");
  });

  test("RSA keys under 2048 bits are refused", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "small", alg: "RS256", use: "sig" };
    server.on("/jwks", () => ({ body: { keys: [jwk] } }));
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const input = `${b64({ alg: "RS256", kid: "small" })}.${b64({ iss: server.issuer, aud: [CLIENT_ID], sub: "s", iat: now, exp: now + 3600 })}`;
    const token = `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    const err = await rejection(client({ jwks: { cooldownMs: 0 } }).validateIdToken(token));
    assert.ok(err instanceof JwksError || err instanceof IdTokenError, String(err));
  });
});

describe("token and userinfo responses", () => {
  test("token_type other than bearer is refused", async () => {
    server.on("/token", () => ({ body: tokenBody({ token_type: "mac" }) }));
    const err = await rejection(client().refresh("RT1-x"));
    assert.ok(err instanceof AuthClientError, String(err));
    assert.equal(err.error, "invalid_response");
  });

  test("token_type is compared case-insensitively", async () => {
    server.on("/token", () => ({ body: tokenBody({ token_type: "Bearer" }) }));
    const token = await client().refresh("RT1-x");
    assert.equal(token.tokenType.toLowerCase(), "bearer");
  });

  test("expires_in of 0 is refused", async () => {
    server.on("/token", () => ({ body: tokenBody({ expires_in: 0 }) }));
    const err = await rejection(client().refresh("RT1-x"));
    assert.ok(err instanceof AuthClientError, String(err));
    assert.equal(err.error, "invalid_response");
  });

  test("a userinfo sub that differs from the ID token's sub is refused", async () => {
    const idToken = await server.signIdToken({ sub: "user-from-id-token" });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    server.on("/userinfo", () => ({ body: { sub: "someone-else", email: "x@example.com" } }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId, Scopes.Email]);
    await c.handleCallback(`${REDIRECT_URI}?code=c&state=${req.state}&realmId=1108033471`, {
      expectedState: req.state,
      updateClient: true, // keep the tokens on this (server) client, so getUserInfo() uses its ID token
    });
    const err = await rejection(c.getUserInfo());
    assert.ok(err instanceof IntuitOAuthError, String(err));
    assert.equal((err as IntuitOAuthError).code, "ERR_USERINFO_FORMAT");
    // An explicit expectation works for tokens the client does not hold.
    const err2 = await rejection(c.getUserInfo("other-token", { expectedSubject: "user-from-id-token" }));
    assert.ok(err2 instanceof IntuitOAuthError, String(err2));
    server.on("/userinfo", () => ({ body: { sub: DEFAULT_SUB } }));
  });
});

describe("configuration", () => {
  test("a redirectUri with a #fragment is refused", () => {
    assert.throws(() => client({ redirectUri: "https://app.example.com/callback#x" }), ConfigurationError);
  });

  test("revoke honours client_secret_post", async () => {
    const c = client({ tokenEndpointAuthMethod: "client_secret_post" });
    await c.revoke("RT1-to-revoke");
    const req = server.requestsTo("/revoke")[0]!;
    assert.equal(req.headers["authorization"], undefined);
    const body = JSON.parse(req.body) as Record<string, string>;
    assert.deepEqual(body, { token: "RT1-to-revoke", client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
  });

  test("the per-realm limiter forgets idle realms (200,000 distinct realm ids)", () => {
    const tokens = new TokenManager({
      authClient: client({ environment: { ...server.endpoints(), apiBaseUrl: server.url } }),
      store: new MemoryTokenStore(),
    });
    const limits = tokens.apiLimits as MemoryApiLimits;
    for (let i = 0; i < 200_000; i++) assert.ok(quickbooks(tokens, String(100000 + i)).limiter.isIdle());
    const count = limits.limiterCount;
    assert.ok(count <= 10_000, `${count} limiters kept`);
  });
});
