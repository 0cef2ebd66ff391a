// Security review finding 1 (high): the callback's realmId must be bound to the grant.
// With an ID token, the verified `realmid` claim decides; without one, the realm is unverified
// until a CompanyInfo call with the new access token proves it, and TokenManager.save refuses it.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  CallbackError,
  MemoryTokenStore,
  RealmMismatchError,
  Scopes,
  TokenManager,
  UnverifiedRealmError,
  type TokenSet,
} from "../../src/index.js";
import {
  REDIRECT_URI,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

const VICTIM = "9341453050198175";
const ATTACKER = "1108033471"; // the realmid claim the fake signs by default

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ body: tokenBody() }));
});

function client(extra: Record<string, unknown> = {}): AuthClient {
  return new AuthClient(server.clientOptions({ ...extra }));
}

function callback(state: string, realmId?: string): string {
  return `${REDIRECT_URI}?code=AB11-code&state=${encodeURIComponent(state)}${realmId ? `&realmId=${realmId}` : ""}`;
}

describe("with an ID token", () => {
  test("a callback realmId that differs from the verified realmid claim is a CallbackError realm_mismatch", async () => {
    const idToken = await server.signIdToken({ realmid: ATTACKER });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const err = await rejection(c.handleCallback(callback(req.state, VICTIM), { expectedState: req.state }));
    assert.ok(err instanceof CallbackError, String(err));
    assert.equal(err.reason, "realm_mismatch");
    // Nothing was kept on the client either.
    assert.equal(c.accessToken, undefined);
    assert.equal(c.realmId, undefined);
  });

  test("a matching realmid claim gives a verified realm", async () => {
    const idToken = await server.signIdToken({ realmid: ATTACKER });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const token = await c.handleCallback(callback(req.state, ATTACKER), { expectedState: req.state });
    assert.equal(token.realmId, ATTACKER);
    assert.equal(token.realmIdVerified, true);
  });

  test("the claim supplies the realm when the callback has none", async () => {
    const idToken = await server.signIdToken({ realmid: ATTACKER });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const token = await c.handleCallback(callback(req.state), { expectedState: req.state });
    assert.equal(token.realmId, ATTACKER);
    assert.equal(token.realmIdVerified, true);
  });
});

describe("without an ID token", () => {
  test("the realm is returned unverified, and TokenManager.save refuses it", async () => {
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.handleCallback(callback(req.state, VICTIM), { expectedState: req.state });
    assert.equal(token.realmId, VICTIM);
    assert.equal(token.realmIdVerified, false);
    const store = new MemoryTokenStore();
    const tokens = new TokenManager({ authClient: c, store });
    const err = await rejection(tokens.save(VICTIM, token));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
    assert.equal(err.code, "ERR_UNVERIFIED_REALM");
    assert.deepEqual(await store.list(), []);
    // Explicitly allowed, it is stored.
    await tokens.save(VICTIM, token, { allowUnverifiedRealm: true });
    assert.equal((await store.get(VICTIM))?.realmId, VICTIM);
  });

  test("verifyRealm: a CompanyInfo call with the new token proves the realm", async () => {
    server.on(`/v3/company/${VICTIM}/companyinfo/${VICTIM}`, () => ({
      body: { CompanyInfo: { Id: "1", CompanyName: "Victim" } },
    }));
    const c = new AuthClient(
      server.clientOptions({ environment: { ...server.endpoints(), apiBaseUrl: server.url } }),
    );
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.handleCallback(callback(req.state, VICTIM), {
      expectedState: req.state,
      verifyRealm: true,
    });
    assert.equal(token.realmIdVerified, true);
    const api = server.requestsTo(`/v3/company/${VICTIM}/companyinfo/${VICTIM}`);
    assert.equal(api.length, 1);
    assert.equal(api[0]!.headers["authorization"], "Bearer eyJ-access-token-value");
  });

  test("verifyRealm: a token Intuit refuses for that company is a realm_mismatch", async () => {
    server.on(`/v3/company/${VICTIM}/companyinfo/${VICTIM}`, () => ({
      status: 401,
      headers: { "content-type": "application/xml" },
      body: '<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"><Fault type="AuthenticationFault"><Error code="100"><Message>General Authentication Error</Message></Error></Fault></IntuitResponse>',
    }));
    const c = new AuthClient(
      server.clientOptions({ environment: { ...server.endpoints(), apiBaseUrl: server.url } }),
    );
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const err = await rejection(
      c.handleCallback(callback(req.state, VICTIM), { expectedState: req.state, verifyRealm: true }),
    );
    assert.ok(err instanceof CallbackError, String(err));
    assert.equal(err.reason, "realm_mismatch");
    assert.equal(c.accessToken, undefined);
  });
});

describe("TokenManager.save", () => {
  test("refuses a token whose realm differs from the realm it is saved under", async () => {
    const idToken = await server.signIdToken({ realmid: ATTACKER });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const token: TokenSet = await c.handleCallback(callback(req.state, ATTACKER), {
      expectedState: req.state,
    });
    const store = new MemoryTokenStore();
    const tokens = new TokenManager({ authClient: c, store });
    const err = await rejection(tokens.save(VICTIM, token));
    assert.ok(err instanceof RealmMismatchError, String(err));
    assert.equal(err.code, "ERR_REALM_MISMATCH");
    assert.deepEqual(await store.list(), []);
  });
});
