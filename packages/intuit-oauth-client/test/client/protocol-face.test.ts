// intuit-oauth-client/protocol (src/protocol.ts): every runtime name it exports is documented in
// docs/protocol.md, and the functions keep AuthClient's guarantees without it: the code exchange is
// once per code, token sets print redacted, the config owns its caches, and options objects are
// checked (a bad clock tolerance is a ConfigurationError, not a silent pass).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { after, before, beforeEach, test } from "node:test";
import * as protocol from "../../src/protocol.js";
import { rejection, startFakeIntuit, tokenBody, type FakeIntuit } from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ body: tokenBody() }));
});

test("every runtime export of the protocol face is documented in docs/protocol.md", () => {
  const doc = readFileSync(new URL("../../../../docs/protocol.md", import.meta.url), "utf8");
  const missing = Object.keys(protocol).filter((name) => !new RegExp(`\\b${name}\\b`).test(doc));
  assert.deepEqual(missing, []);
  assert.ok(Object.keys(protocol).length >= 30, Object.keys(protocol).join(", "));
});

test("the protocol face holds no client, manager or store", () => {
  for (const name of ["AuthClient", "TokenManager", "MemoryTokenStore", "quickbooks", "MemoryStateStore"])
    assert.equal(name in protocol, false, name);
});

test("a config's exchange is once per code; its token sets print redacted", async () => {
  const config = protocol.createOAuthConfig(server.clientOptions());
  const { token } = await protocol.exchangeCode(config, "AB11-code-once", { realmId: "4620816365" });
  assert.equal(token.realmId, "4620816365");
  assert.equal(token.realmIdVerified, false);
  assert.doesNotMatch(inspect(token), /access-token-value|refresh-token-value/);
  assert.match(JSON.stringify(token), /eyJ-access-token-value/, "JSON keeps every field");
  const err = await rejection(protocol.exchangeCode(config, "AB11-code-once"));
  assert.ok(err instanceof protocol.CallbackError);
  assert.equal(err.reason, "code_reused");
  const { token: fresh } = await protocol.refreshGrant(config, token.refreshToken);
  assert.doesNotMatch(inspect(fresh), /refresh-token-value/);
  assert.equal(server.requestsTo("/token").length, 2);
});

test("a config owns its JWKS cache and its record of used callbacks; JwksCache.shared only when passed", () => {
  const a = protocol.createOAuthConfig(server.clientOptions());
  const b = protocol.createOAuthConfig(server.clientOptions());
  assert.notEqual(a.jwksCache, b.jwksCache);
  assert.notEqual(a.usedCallbacks, b.usedCallbacks);
  const shared = protocol.createOAuthConfig(server.clientOptions({ jwksCache: protocol.JwksCache.shared }));
  assert.equal(shared.jwksCache, protocol.JwksCache.shared);
});

test("verifyClientIdToken checks its clock tolerance like every numeric option", async () => {
  const config = protocol.createOAuthConfig(server.clientOptions());
  const token = await server.signIdToken();
  const err = await rejection(protocol.verifyClientIdToken(config, token, { clockToleranceSeconds: -1 }));
  assert.ok(err instanceof protocol.ConfigurationError, String(err));
  assert.match(err.message, /clockToleranceSeconds/);
  const claims = await protocol.verifyClientIdToken(config, token);
  assert.equal(claims.iss, server.issuer);
});

test("createAuthorizationRequest keeps nothing: two calls, two states", () => {
  const config = protocol.createOAuthConfig(server.clientOptions());
  const a = protocol.createAuthorizationRequest(config, [protocol.Scopes.Accounting], { pkce: true });
  const b = protocol.createAuthorizationRequest(config, [protocol.Scopes.Accounting]);
  assert.notEqual(a.state, b.state);
  const url = new URL(a.url);
  assert.equal(url.searchParams.get("code_challenge"), protocol.codeChallengeS256(a.codeVerifier!));
  assert.equal(url.searchParams.get("redirect_uri"), config.redirectUri);
});
