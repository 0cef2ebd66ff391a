// Issue 19 medium 1: a token set with no realm was stored under any realm. Without the openid scope
// and with realmId removed from the callback, the set had neither realmId nor realmIdVerified, and
// TokenManager.save(victimRealm, set) replaced the victim company's grant. Now save accepts only
// `realmIdVerified: true` (or an explicit allowUnverifiedRealm), and each path that produces a
// token set says what it knows about the realm.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  MemoryTokenStore,
  Scopes,
  TokenManager,
  tokenSetFromJSON,
  UnverifiedRealmError,
  type TokenSet,
} from "../../src/index.js";
import { validateCallback } from "../../src/protocol.js";
import {
  REDIRECT_URI,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

const VICTIM = "9341453050198175";
const COMPANY = "1108033471"; // the realmid claim the fake signs by default
const OAUTH1 = {
  consumerKey: "qyprdconsumerkey",
  consumerSecret: "consumer-secret-value",
  accessToken: "qyprdaccesstoken",
  accessSecret: "access-secret-value",
};

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
  return new AuthClient(server.clientOptions(extra));
}

function callback(state: string, realmId?: string): string {
  return `${REDIRECT_URI}?code=AB11-code&state=${encodeURIComponent(state)}${realmId ? `&realmId=${realmId}` : ""}`;
}

/** Saving `token` under the victim's realm: what save does, and what the victim's store then holds. */
async function saveUnderVictim(c: AuthClient, token: TokenSet) {
  const store = new MemoryTokenStore();
  const tokens = new TokenManager({ authClient: c, store });
  const victimGrant = { ...token, accessToken: "victim-access", refreshToken: "victim-refresh" };
  await tokens.save(VICTIM, { ...victimGrant, realmId: VICTIM, realmIdVerified: true });
  const error = await rejection(tokens.save(VICTIM, token));
  return { error, stored: (await store.get(VICTIM))?.token.refreshToken, tokens };
}

describe("the finding: no openid scope, realmId removed from the callback", () => {
  test("handleCallback's set names no realm and says it is unproven; save refuses it under any realm", async () => {
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.handleCallback(callback(req.state), {
      expectedState: req.state,
      updateClient: true,
    });
    assert.equal(token.realmId, undefined);
    assert.equal(token.realmIdVerified, false);
    const { error, stored } = await saveUnderVictim(c, token);
    assert.ok(error instanceof UnverifiedRealmError, String(error));
    assert.equal(error.code, "ERR_UNVERIFIED_REALM");
    assert.equal(error.reason, "unknown");
    assert.equal(stored, "victim-refresh", "the victim's grant is untouched");
  });

  test("a set that says nothing about its realm (as before the fix) is refused too", async () => {
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.handleCallback(callback(req.state), {
      expectedState: req.state,
      updateClient: true,
    });
    const { realmIdVerified: _dropped, ...silent } = token;
    const { error, stored } = await saveUnderVictim(c, silent);
    assert.ok(error instanceof UnverifiedRealmError, String(error));
    assert.equal(stored, "victim-refresh");
  });

  test("exchangeCallback, the same", async () => {
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.exchangeCallback(validateCallback(callback(req.state), req.state));
    assert.equal(token.realmIdVerified, false);
    const { error, stored } = await saveUnderVictim(c, token);
    assert.ok(error instanceof UnverifiedRealmError, String(error));
    assert.equal(stored, "victim-refresh");
  });

  test("getBearerToken without a realm returns a set that save refuses", async () => {
    const c = client();
    const token = await c.getBearerToken("AB11-code");
    assert.equal(token.realmId, undefined);
    assert.equal(token.realmIdVerified, false);
    const { error, stored } = await saveUnderVictim(c, token);
    assert.ok(error instanceof UnverifiedRealmError, String(error));
    assert.equal(stored, "victim-refresh");
  });

  test("verifyRealm cannot prove a realm the callback does not name: still refused", async () => {
    const c = new AuthClient(
      server.clientOptions({ environment: { ...server.endpoints(), apiBaseUrl: server.url } }),
    );
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const token = await c.handleCallback(callback(req.state), {
      expectedState: req.state,
      verifyRealm: true,
    });
    assert.equal(token.realmIdVerified, false);
    assert.equal(server.requests.filter((r) => r.path.includes("/companyinfo/")).length, 0);
    const { error } = await saveUnderVictim(c, token);
    assert.ok(error instanceof UnverifiedRealmError, String(error));
  });

  test("allowUnverifiedRealm is the one explicit way to store it", async () => {
    const c = client();
    const token = await c.getBearerToken("AB11-code");
    const { tokens } = await saveUnderVictim(c, token);
    await tokens.save(VICTIM, token, { allowUnverifiedRealm: true });
    assert.equal((await tokens.store.get(VICTIM))?.token.refreshToken, token.refreshToken);
  });
});

describe("every path that produces a token set, and what save does with it", () => {
  test("handleCallback with an ID token whose realmid proves the realm: accepted", async () => {
    const idToken = await server.signIdToken({ realmid: COMPANY });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const token = await c.handleCallback(callback(req.state), {
      expectedState: req.state,
      updateClient: true,
    });
    assert.equal(token.realmIdVerified, true);
    const tokens = new TokenManager({ authClient: c });
    await tokens.save(COMPANY, token);
    assert.equal((await tokens.store.get(COMPANY))?.token.realmIdVerified, true);
  });

  test("an ID token without a realmid claim proves nothing: refused", async () => {
    const idToken = await server.signIdToken({ realmid: undefined });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.OpenId]);
    const token = await c.handleCallback(callback(req.state, VICTIM), { expectedState: req.state });
    assert.equal(token.realmIdVerified, false);
    const err = await rejection(new TokenManager({ authClient: c }).save(VICTIM, token));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
    assert.equal(err.reason, "unproven");
  });

  test("getBearerToken with a realm and verifyRealm (CompanyInfo): accepted", async () => {
    server.on(`/v3/company/${VICTIM}/companyinfo/${VICTIM}`, () => ({ body: { CompanyInfo: { Id: "1" } } }));
    const c = new AuthClient(
      server.clientOptions({ environment: { ...server.endpoints(), apiBaseUrl: server.url } }),
    );
    const token = await c.getBearerToken("AB11-code", { realmId: VICTIM, verifyRealm: true });
    assert.equal(token.realmIdVerified, true);
    await new TokenManager({ authClient: c }).save(VICTIM, token);
  });

  test("refresh: the client's own proven grant stays proven; a caller's refresh token and realm do not", async () => {
    const idToken = await server.signIdToken({ realmid: COMPANY });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    await c.handleCallback(callback(req.state), { expectedState: req.state, updateClient: true });
    server.on("/token", () => ({ body: tokenBody({ access_token: "eyJ-second-access" }) }));
    const own = await c.refresh();
    assert.equal(own.realmId, COMPANY);
    assert.equal(own.realmIdVerified, true);
    const tokens = new TokenManager({ authClient: c });
    await tokens.save(COMPANY, own);

    const given = await c.refresh("RT1-some-other-refresh-token", { realmId: VICTIM, updateClient: false });
    assert.equal(given.realmId, VICTIM);
    assert.notEqual(given.realmIdVerified, true);
    const err = await rejection(tokens.save(VICTIM, given));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
  });

  test("the client's own refresh after its refresh token was replaced by hand is not proven", async () => {
    const idToken = await server.signIdToken({ realmid: COMPANY });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    await c.handleCallback(callback(req.state), { expectedState: req.state, updateClient: true });
    c.refreshToken = "RT1-pasted-from-elsewhere";
    server.on("/token", () => ({ body: tokenBody() }));
    const token = await c.refresh();
    assert.notEqual(token.realmIdVerified, true);
    const err = await rejection(new TokenManager({ authClient: c }).save(COMPANY, token));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
  });

  test("TokenManager's own refresh keeps the stored grant's proof, so what get() returns can be saved again", async () => {
    const idToken = await server.signIdToken({ realmid: COMPANY });
    server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
    const c = client();
    const req = c.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const token = await c.handleCallback(callback(req.state), {
      expectedState: req.state,
      updateClient: false,
    });
    const tokens = new TokenManager({ authClient: c });
    await tokens.save(COMPANY, token);
    server.on("/token", () => ({ body: tokenBody({ access_token: "eyJ-refreshed-access" }) }));
    const refreshed = await tokens.refresh(COMPANY);
    assert.equal(refreshed.realmIdVerified, true);
    const copy = new TokenManager({ authClient: c });
    await copy.save(COMPANY, (await tokens.get(COMPANY))!.token);
    assert.equal(await copy.getAccessToken(COMPANY), "eyJ-refreshed-access");
  });

  test("an unproven grant saved with allowUnverifiedRealm stays unproven after the manager refreshes it", async () => {
    const c = client();
    const token = await c.getBearerToken("AB11-code", { realmId: VICTIM, updateClient: false });
    const tokens = new TokenManager({ authClient: c });
    await tokens.save(VICTIM, token, { allowUnverifiedRealm: true });
    server.on("/token", () => ({ body: tokenBody({ access_token: "eyJ-refreshed-access" }) }));
    const refreshed = await tokens.refresh(VICTIM);
    assert.equal(refreshed.realmIdVerified, false);
    const err = await rejection(new TokenManager({ authClient: c }).save(VICTIM, refreshed));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
  });

  test("migrate: the realm is Intuit's own answer, so it is proven", async () => {
    const c = client();
    const token = await c.migrate({ ...OAUTH1, scopes: [Scopes.Accounting], updateClient: false });
    assert.equal(token.realmId, "4620816365");
    assert.equal(token.realmIdVerified, true);
    await new TokenManager({ authClient: c }).save("4620816365", token);
  });

  test("tokenSetFromJSON says what the JSON says: a proven set round-trips, a silent one is refused", async () => {
    const c = client();
    const tokens = new TokenManager({ authClient: c });
    const base = await c.getBearerToken("AB11-code", { updateClient: false });
    const proven = tokenSetFromJSON(JSON.stringify({ ...base, realmId: COMPANY, realmIdVerified: true }));
    await tokens.save(COMPANY, proven);
    const { realmIdVerified: _gone, ...rest } = base;
    const silent = tokenSetFromJSON(JSON.stringify({ ...rest, realmId: VICTIM }));
    const err = await rejection(tokens.save(VICTIM, silent));
    assert.ok(err instanceof UnverifiedRealmError, String(err));
  });
});
