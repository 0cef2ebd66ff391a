// Token sets: client fields after success (a single-user client keeps them), absolute expiries,
// hard expiry opt-in, JSON round trip, refresh, revoke and userinfo. Wire tests run over node:http
// and fetch.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  AuthClientError,
  MissingTokenError,
  TokenSetFormatError,
  tokenSetFromJSON,
  type TokenSet,
} from "../../src/index.js";
import { isAccessTokenExpired, isRefreshTokenExpired } from "../../src/protocol.js";
import {
  TRANSPORTS,
  basicAuth,
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
  server.on("/revoke", () => ({ body: "" }));
});

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const clock = () => NOW;

for (const { name, options } of TRANSPORTS) {
  describe(`tokens over ${name}`, () => {
    test("a code exchange sets every client field and absolute expiries from receipt time", async () => {
      const idToken = await server.signIdToken({ realmid: "123145" }, { now: NOW });
      server.on("/token", () => ({
        body: tokenBody({ id_token: idToken, x_refresh_token_expires_in: 8726400 }),
      }));
      const client = new AuthClient(server.clientOptions({ ...options, clock, singleUser: true }));
      const token = await client.getBearerToken("code-1", { realmId: "123145" });
      assert.deepEqual(token, {
        accessToken: "eyJ-access-token-value",
        refreshToken: "RT1-39-H3-refresh-token-value",
        tokenType: "bearer",
        expiresIn: 3600,
        xRefreshTokenExpiresIn: 8726400,
        idToken,
        realmId: "123145",
        realmIdVerified: true,
        accessTokenExpiresAt: NOW + 3600_000,
        refreshTokenExpiresAt: NOW + 8726400_000,
        receivedAt: NOW,
        intuitTid: "1-628f0be4-19ed5ea63980105102b16b1e",
      });
      assert.equal(client.accessToken, "eyJ-access-token-value");
      assert.equal(client.refreshToken, "RT1-39-H3-refresh-token-value");
      assert.equal(client.expiresIn, 3600);
      assert.equal(client.xRefreshTokenExpiresIn, 8726400);
      assert.equal(client.xRefreshTokenHardExpiresIn, undefined);
      assert.equal(client.idToken, idToken);
      assert.equal(client.realmId, "123145");
      assert.deepEqual(client.token, token);
      assert.equal(isAccessTokenExpired(token, NOW + 3599_000), false);
      assert.equal(isAccessTokenExpired(token, NOW + 3600_000), true);
      assert.equal(isRefreshTokenExpired(token, NOW + 8726399_000), false);
      assert.equal(isRefreshTokenExpired(token, NOW + 8726400_000), true);
    });

    test("includeRefreshTokenHardExpiresIn sends the header on exchange and refresh and surfaces the cap", async () => {
      server.on("/token", () => ({ body: tokenBody({ x_refresh_token_hard_expires_in: 156032154 }) }));
      const client = new AuthClient(
        server.clientOptions({ ...options, clock, includeRefreshTokenHardExpiresIn: true, singleUser: true }),
      );
      const first = await client.getBearerToken("code-1");
      const second = await client.refresh();
      for (const t of [first, second]) {
        assert.equal(t.xRefreshTokenHardExpiresIn, 156032154);
        assert.equal(t.refreshTokenHardExpiresAt, NOW + 156032154_000);
      }
      assert.equal(client.xRefreshTokenHardExpiresIn, 156032154);
      assert.deepEqual(
        server.requestsTo("/token").map((r) => r.headers["x-include-refresh-token-hard-expires-in"]),
        ["true", "true"],
      );
      assert.equal(
        isRefreshTokenExpired({ ...first, refreshTokenExpiresAt: Infinity }, NOW + 156032154_000),
        true,
      );
    });

    test("without the option the header is absent on exchange and refresh", async () => {
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      await client.getBearerToken("code-1");
      await client.refresh();
      const reqs = server.requestsTo("/token");
      assert.equal(reqs.length, 2);
      for (const r of reqs) assert.equal("x-include-refresh-token-hard-expires-in" in r.headers, false);
    });

    test("refresh posts grant_type=refresh_token&refresh_token=… and updates the client", async () => {
      const client = new AuthClient(
        server.clientOptions({ ...options, clock, refreshToken: "RT1-old-value", realmId: "42" }),
      );
      server.on("/token", () => ({
        body: tokenBody({ access_token: "AT-new", refresh_token: "RT1-new-value", expires_in: "3600" }),
      }));
      const token = await client.refresh();
      const req = server.requests[0]!;
      assert.equal(req.method, "POST");
      assert.equal(req.path, "/token");
      assert.equal(req.headers["authorization"], basicAuth());
      assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
      assert.equal(req.body, "grant_type=refresh_token&refresh_token=RT1-old-value");
      assert.equal(token.accessToken, "AT-new");
      assert.equal(token.expiresIn, 3600);
      assert.equal(token.realmId, "42");
      assert.equal(client.accessToken, "AT-new");
      assert.equal(client.refreshToken, "RT1-new-value");
      // An explicit token is sent instead of the client's.
      await client.refresh("RT1-explicit");
      assert.equal(server.requests[1]!.body, "grant_type=refresh_token&refresh_token=RT1-explicit");
    });

    test("refresh keeps the old id_token (and refresh token) when the response lacks them", async () => {
      const idToken = await server.signIdToken();
      server.on("/token", () => ({ body: tokenBody({ id_token: idToken }) }));
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      await client.getBearerToken("code-1");
      server.on("/token", () => ({
        body: {
          access_token: "AT-2",
          expires_in: 3600,
          token_type: "bearer",
          x_refresh_token_expires_in: 100,
        },
      }));
      const token = await client.refresh();
      assert.equal(token.idToken, idToken);
      assert.equal(token.refreshToken, "RT1-39-H3-refresh-token-value");
      assert.equal(client.idToken, idToken);
      assert.equal(client.accessToken, "AT-2");
    });

    test('revoke posts {"token":…} as JSON with Basic auth, revokes the refresh token by default and clears the client', async () => {
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      await client.getBearerToken("code-1", { realmId: "7" });
      const result = await client.revoke();
      assert.equal(result, true);
      const req = server.requestsTo("/revoke")[0]!;
      assert.equal(req.method, "POST");
      assert.equal(req.headers["authorization"], basicAuth());
      assert.equal(req.headers["content-type"], "application/json");
      assert.equal(req.headers["accept"], "application/json");
      assert.equal(req.body, '{"token":"RT1-39-H3-refresh-token-value"}');
      assert.equal(client.accessToken, undefined);
      assert.equal(client.refreshToken, undefined);
      assert.equal(client.idToken, undefined);
      assert.equal(client.expiresIn, undefined);
      assert.equal(client.token, undefined);
    });

    test("revoke of an explicit token sends it, and revokeBodyFormat form sends token=…", async () => {
      const json = new AuthClient(server.clientOptions(options));
      await json.revoke("AT-some+token/=");
      assert.equal(server.requests[0]!.body, '{"token":"AT-some+token/="}');
      const form = new AuthClient(server.clientOptions({ ...options, revokeBodyFormat: "form" }));
      await form.revoke("AT-some+token/=");
      assert.equal(server.requests[1]!.headers["content-type"], "application/x-www-form-urlencoded");
      assert.equal(server.requests[1]!.body, "token=AT-some%2Btoken%2F%3D");
    });

    test("revoke with only an access token revokes it; a non-2xx is an AuthClientError and keeps tokens", async () => {
      const client = new AuthClient(server.clientOptions({ ...options, accessToken: "AT-only" }));
      server.on("/revoke", () => ({ status: 400, body: { error: "invalid_request" } }));
      const err = await rejection(client.revoke());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 400);
      assert.equal(err.error, "invalid_request");
      assert.equal(client.accessToken, "AT-only");
      assert.equal(server.requests[0]!.body, '{"token":"AT-only"}');
      server.on("/revoke", () => ({ status: 204 }));
      assert.equal(await client.revoke(), true);
      assert.equal(client.accessToken, undefined);
    });

    test("getUserInfo sends Bearer and returns typed camelCase fields", async () => {
      server.on("/userinfo", () => ({
        body: {
          sub: "u-1",
          email: "a@example.com",
          emailVerified: "true",
          givenName: "Ada",
          familyName: "Lovelace",
          phoneNumber: "+1 555",
          phoneNumberVerified: false,
          address: {
            streetAddress: "1 Main",
            locality: "Mountain View",
            region: "CA",
            postalCode: "94043",
            country: "US",
          },
        },
      }));
      const client = new AuthClient(server.clientOptions({ ...options, accessToken: "AT-user" }));
      const info = await client.getUserInfo();
      assert.deepEqual(info, {
        sub: "u-1",
        email: "a@example.com",
        emailVerified: true,
        givenName: "Ada",
        familyName: "Lovelace",
        phoneNumber: "+1 555",
        phoneNumberVerified: false,
        address: {
          streetAddress: "1 Main",
          locality: "Mountain View",
          region: "CA",
          postalCode: "94043",
          country: "US",
        },
      });
      const req = server.requestsTo("/userinfo")[0]!;
      assert.equal(req.method, "GET");
      assert.equal(req.headers["authorization"], "Bearer AT-user");
      assert.equal(req.headers["accept"], "application/json");
      await client.getUserInfo("AT-explicit");
      assert.equal(server.requestsTo("/userinfo")[1]!.headers["authorization"], "Bearer AT-explicit");
    });

    test("getUserInfo: a 401 is an AuthClientError with statusCode 401", async () => {
      server.on("/userinfo", () => ({ status: 401, headers: { "www-authenticate": "Bearer" }, body: "" }));
      const client = new AuthClient(server.clientOptions({ ...options, accessToken: "AT-expired" }));
      const err = await rejection(client.getUserInfo());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 401);
      assert.equal(err.headers["www-authenticate"], "Bearer");
    });
  });
}

describe("missing tokens give Python's messages, with no request", () => {
  const cases: Array<[string, (c: AuthClient) => Promise<unknown>, string]> = [
    ["refresh", (c) => c.refresh(), "Refresh token not specified"],
    ["revoke", (c) => c.revoke(), "Token to revoke not specified"],
    ["getUserInfo", (c) => c.getUserInfo(), "Access token not specified"],
  ];
  for (const [name, call, message] of cases) {
    test(`${name}() → MissingTokenError "${message}"`, async () => {
      const err = await rejection(call(new AuthClient(server.clientOptions())));
      assert.ok(err instanceof MissingTokenError);
      assert.equal(err.message, message);
      assert.equal(err.code, "ERR_MISSING_TOKEN");
      assert.equal(server.requests.length, 0);
    });
  }
});

describe("tokenSetFromJSON", () => {
  const full: TokenSet = {
    accessToken: "AT",
    refreshToken: "RT",
    tokenType: "bearer",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8726400,
    xRefreshTokenHardExpiresIn: 156032154,
    idToken: "a.b.c",
    realmId: "123",
    accessTokenExpiresAt: NOW + 3600_000,
    refreshTokenExpiresAt: NOW + 8726400_000,
    refreshTokenHardExpiresAt: NOW + 156032154_000,
    receivedAt: NOW,
    intuitTid: "tid",
  };

  test("round-trips a token set from a real exchange without loss", async () => {
    server.on("/token", () => ({ body: tokenBody({ x_refresh_token_hard_expires_in: 156032154 }) }));
    const client = new AuthClient(server.clientOptions({ clock, includeRefreshTokenHardExpiresIn: true }));
    const set = await client.getBearerToken("c", { realmId: "99" });
    assert.deepEqual(tokenSetFromJSON(JSON.parse(JSON.stringify(set))), set);
    assert.deepEqual(tokenSetFromJSON(JSON.stringify(set)), set);
  });

  test("round-trips a full set and a minimal set", () => {
    assert.deepEqual(tokenSetFromJSON(JSON.parse(JSON.stringify(full))), full);
    const {
      xRefreshTokenHardExpiresIn: _a,
      refreshTokenHardExpiresAt: _b,
      idToken: _c,
      realmId: _d,
      intuitTid: _e,
      ...min
    } = full;
    assert.deepEqual(tokenSetFromJSON(JSON.parse(JSON.stringify(min))), min);
  });

  test("accepts numeric strings (a database BIGINT) as numbers", () => {
    const stringy = Object.fromEntries(
      Object.entries(full).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]),
    );
    const set = tokenSetFromJSON(stringy);
    assert.deepEqual(set, full);
    assert.equal(typeof set.accessTokenExpiresAt, "number");
    assert.equal(isAccessTokenExpired(set, NOW + 3600_001), true);
  });

  const garbage: Array<[string, unknown]> = [
    ["a non-numeric string expiry", { ...full, accessTokenExpiresAt: "soon" }],
    ["a negative expiry", { ...full, refreshTokenExpiresAt: -1 }],
    ["a negative numeric string", { ...full, expiresIn: "-3600" }],
    ["NaN from an empty string", { ...full, receivedAt: "" }],
    ["a missing accessToken", { ...full, accessToken: undefined }],
    ["an empty refreshToken", { ...full, refreshToken: "" }],
    ["a numeric accessToken", { ...full, accessToken: 5 }],
    ["a missing accessTokenExpiresAt", { ...full, accessTokenExpiresAt: undefined }],
    ["a boolean expiresIn", { ...full, expiresIn: true }],
    ["an array", [full]],
    ["null", null],
    ["invalid JSON text", "{not json"],
  ];
  for (const [name, value] of garbage) {
    test(`${name} → TokenSetFormatError`, () => {
      assert.throws(
        () => tokenSetFromJSON(value),
        (e: unknown) => e instanceof TokenSetFormatError && e.code === "ERR_TOKEN_SET_FORMAT",
      );
    });
  }
});
