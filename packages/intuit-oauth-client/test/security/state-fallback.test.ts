// Security review findings 6 and 7: state, nonce and PKCE verifier must not fall back to whatever a
// shared client issued last, and an `error=` callback is trusted only once its state is verified.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, AuthorizationResponseError, CallbackError, Scopes } from "../../src/index.js";
import {
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
});

const cb = (state: string, extra = "code=AB11-code") =>
  `${REDIRECT_URI}?${extra}&state=${encodeURIComponent(state)}`;

describe("a server (https redirect URI): no fallback to the client's last state", () => {
  test("an attacker's callback carrying the state the shared client issued last is refused", async () => {
    const shared = new AuthClient(server.clientOptions());
    // The attacker starts a flow on the server and keeps the callback instead of following it.
    const attackerUrl = new URL(shared.getAuthorizationUrl([Scopes.Accounting]));
    const attackerState = attackerUrl.searchParams.get("state")!;
    // The victim opens it; the server's callback handler forgot to pass the session's state.
    const err = await rejection(shared.handleCallback(cb(attackerState)));
    assert.ok(err instanceof CallbackError, String(err));
    assert.equal(err.reason, "no_expected_state");
    assert.equal(server.requestsTo("/token").length, 0);
  });

  test("createAuthorizationRequest does not leave state, nonce or verifier on the client", () => {
    const shared = new AuthClient(server.clientOptions());
    const req = shared.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId], {
      nonce: true,
      pkce: true,
    });
    assert.ok(req.nonce && req.codeVerifier);
    assert.equal(shared.stateToken, undefined);
    assert.equal(shared.nonce, undefined);
    assert.equal(shared.codeVerifier, undefined);
  });

  test("with an explicit expectedState, the client's own last nonce and verifier are not used", async () => {
    const shared = new AuthClient(server.clientOptions());
    const mine = shared.createAuthorizationRequest([Scopes.Accounting]);
    shared.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId], { pkce: true }); // another user's, later
    await shared.handleCallback(cb(mine.state), { expectedState: mine.state });
    const form = new URLSearchParams(server.requestsTo("/token")[0]!.body);
    assert.equal(form.get("code_verifier"), null, "another user's PKCE verifier must not be sent");
  });
});

describe("a one-user script keeps Python's convenience", () => {
  test("loopback redirect URI: getAuthorizationUrl then handleCallback(url)", async () => {
    const script = new AuthClient(server.clientOptions({ redirectUri: "http://localhost:8000/callback" }));
    const url = new URL(script.getAuthorizationUrl([Scopes.Accounting]));
    const token = await script.handleCallback(
      `http://localhost:8000/callback?code=AB11-code&state=${url.searchParams.get("state")}&realmId=1`,
    );
    assert.equal(token.accessToken, "eyJ-access-token-value");
  });

  test("singleUser: true allows it on an https redirect URI too", async () => {
    const script = new AuthClient(server.clientOptions({ singleUser: true }));
    const url = new URL(script.getAuthorizationUrl([Scopes.Accounting]));
    const token = await script.handleCallback(cb(url.searchParams.get("state")!));
    assert.equal(token.accessToken, "eyJ-access-token-value");
  });

  test("singleUser: false turns it off on loopback", async () => {
    const c = new AuthClient(
      server.clientOptions({ redirectUri: "http://localhost:8000/callback", singleUser: false }),
    );
    const url = new URL(c.getAuthorizationUrl([Scopes.Accounting]));
    const err = await rejection(
      c.handleCallback(`http://localhost:8000/callback?code=x&state=${url.searchParams.get("state")}`),
    );
    assert.ok(err instanceof CallbackError);
    assert.equal(err.reason, "no_expected_state");
  });
});

describe("finding 7: error= is trusted only after the state is verified", () => {
  test("a forged error callback with a wrong state is a state mismatch", async () => {
    const c = new AuthClient(server.clientOptions());
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const err = await rejection(
      c.handleCallback(`${REDIRECT_URI}?error=access_denied&state=forged`, { expectedState: req.state }),
    );
    assert.ok(err instanceof CallbackError, String(err));
    assert.equal(err.reason, "state_mismatch");
  });

  test("a forged error callback without a state is state_missing", async () => {
    const c = new AuthClient(server.clientOptions());
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const err = await rejection(
      c.handleCallback(`${REDIRECT_URI}?error=access_denied`, { expectedState: req.state }),
    );
    assert.ok(err instanceof CallbackError, String(err));
    assert.equal(err.reason, "state_missing");
  });

  test("a genuine error callback (right state) is an AuthorizationResponseError", async () => {
    const c = new AuthClient(server.clientOptions());
    const req = c.createAuthorizationRequest([Scopes.Accounting]);
    const err = await rejection(
      c.handleCallback(`${REDIRECT_URI}?error=access_denied&state=${req.state}`, {
        expectedState: req.state,
      }),
    );
    assert.ok(err instanceof AuthorizationResponseError, String(err));
    assert.equal(err.accessDenied, true);
  });
});
