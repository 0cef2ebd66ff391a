// handleCallback: state checks before anything is sent, the exact code-exchange request, and
// the accepted callback shapes. Wire tests run over node:http and fetch.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  AuthorizationResponseError,
  CallbackError,
  ConfigurationError,
  Scopes,
  type CallbackErrorReason,
} from "../../src/index.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  REDIRECT_URI,
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
});

const CODE = "AB11-code-value-0123456789";
const REALM = "9341453050198162";

for (const { name, options } of TRANSPORTS) {
  describe(`code exchange over ${name}`, () => {
    test("handleCallback exchanges the code with the exact wire format and returns the token set", async () => {
      // A one-user script (singleUser) may rely on the client's own last state.
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      client.getAuthorizationUrl([Scopes.Accounting]);
      const state = client.stateToken!;
      const token = await client.handleCallback(
        `${REDIRECT_URI}?code=${CODE}&state=${encodeURIComponent(state)}&realmId=${REALM}`,
      );
      assert.equal(token.accessToken, "eyJ-access-token-value");
      assert.equal(token.refreshToken, "RT1-39-H3-refresh-token-value");
      assert.equal(token.realmId, REALM);
      assert.equal(client.realmId, REALM);

      assert.equal(server.requests.length, 1);
      const req = server.requests[0]!;
      assert.equal(req.method, "POST");
      assert.equal(req.url, "/token");
      assert.equal(req.headers["authorization"], basicAuth());
      assert.equal(
        req.headers["authorization"],
        `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
      );
      assert.equal(req.headers["content-type"], "application/x-www-form-urlencoded");
      assert.equal(req.headers["accept"], "application/json");
      assert.match(String(req.headers["user-agent"]), /^intuit-oauth-client\/0\.1\.0 /);
      assert.equal(req.headers["x-include-refresh-token-hard-expires-in"], undefined);
      assert.equal(
        req.body,
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      );
    });

    test("getBearerToken sends the same body and keeps the given realmId", async () => {
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      const token = await client.getBearerToken(CODE, { realmId: REALM });
      assert.equal(token.realmId, REALM);
      assert.equal(client.realmId, REALM);
      assert.equal(
        server.requests[0]!.body,
        "grant_type=authorization_code&code=AB11-code-value-0123456789&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
      );
    });

    test("client_secret_post puts the credentials in the body and sends no Authorization", async () => {
      const client = new AuthClient(
        server.clientOptions({ ...options, tokenEndpointAuthMethod: "client_secret_post" }),
      );
      await client.getBearerToken(CODE);
      const req = server.requests[0]!;
      assert.equal(req.headers["authorization"], undefined);
      assert.equal(
        req.body,
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}` +
          `&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`,
      );
    });
  });
}

describe("handleCallback rejects before exchanging anything", () => {
  const cases: Array<{ name: string; url: string; expected?: string | null; reason: CallbackErrorReason }> = [
    { name: "missing state", url: `/callback?code=${CODE}&realmId=${REALM}`, reason: "state_missing" },
    { name: "empty state", url: `/callback?code=${CODE}&state=`, reason: "state_missing" },
    { name: "mismatched state", url: `/callback?code=${CODE}&state=other-state`, reason: "state_mismatch" },
    {
      name: "state differing in one char",
      url: `/callback?code=${CODE}&state=expected-statE`,
      reason: "state_mismatch",
    },
    {
      name: "no expected state",
      url: `/callback?code=${CODE}&state=expected-state`,
      expected: null,
      reason: "no_expected_state",
    },
    {
      name: "duplicated code",
      url: `/callback?code=${CODE}&code=other&state=expected-state`,
      reason: "duplicate_parameter",
    },
    {
      name: "duplicated state",
      url: `/callback?code=${CODE}&state=expected-state&state=expected-state`,
      reason: "duplicate_parameter",
    },
    { name: "missing code", url: "/callback?state=expected-state&realmId=1", reason: "code_missing" },
  ];
  for (const c of cases) {
    test(`${c.name} → CallbackError(${c.reason}), zero token requests`, async () => {
      const client = new AuthClient(server.clientOptions());
      const opts = c.expected === null ? {} : { expectedState: c.expected ?? "expected-state" };
      const err = await rejection(client.handleCallback(c.url, opts));
      assert.ok(err instanceof CallbackError, String(err));
      assert.equal(err.reason, c.reason);
      assert.equal(err.code, "ERR_CALLBACK");
      assert.equal(server.requestsTo("/token").length, 0);
      assert.equal(client.accessToken, undefined);
    });
  }

  const errors: Array<[string, string, string | undefined]> = [
    [
      "/callback?error=access_denied&error_description=User%20denied&state=expected-state",
      "access_denied",
      "User denied",
    ],
    ["/callback?error=access_denied&state=expected-state", "access_denied", undefined],
    ["/callback?error=invalid_scope&state=expected-state", "invalid_scope", undefined],
    [
      `/callback?code=${CODE}&error=server_error&error_description=boom&state=expected-state`,
      "server_error",
      "boom",
    ],
  ];
  for (const [url, error, description] of errors) {
    test(`${url} → AuthorizationResponseError(${error}), zero token requests`, async () => {
      const client = new AuthClient(server.clientOptions());
      const err = await rejection(client.handleCallback(url, { expectedState: "expected-state" }));
      assert.ok(err instanceof AuthorizationResponseError, String(err));
      assert.equal(err.error, error);
      assert.equal(err.errorDescription, description);
      assert.equal(err.accessDenied, error === "access_denied");
      assert.equal(err.code, "ERR_AUTHORIZATION_RESPONSE");
      assert.equal(server.requestsTo("/token").length, 0);
    });
  }

  test("a replayed state is refused the second time", async () => {
    const client = new AuthClient(server.clientOptions());
    const url = `/callback?code=${CODE}&state=once`;
    await client.handleCallback(url, { expectedState: "once" });
    assert.equal(server.requestsTo("/token").length, 1);
    const err = await rejection(client.handleCallback(url, { expectedState: "once" }));
    assert.ok(err instanceof CallbackError);
    assert.equal(err.reason, "state_reused");
    assert.equal(server.requestsTo("/token").length, 1);
  });

  test("the client's own state is single use: a second callback has no expected state", async () => {
    const client = new AuthClient(server.clientOptions({ singleUser: true }));
    client.getAuthorizationUrl(["openid"]);
    const url = `/callback?code=${CODE}&state=${client.stateToken}`;
    await client.handleCallback(url);
    assert.equal(client.stateToken, undefined);
    const err = await rejection(client.handleCallback(url));
    assert.ok(err instanceof CallbackError);
    assert.equal(err.reason, "no_expected_state");
    assert.equal(server.requestsTo("/token").length, 1);
  });
});

describe("callback input shapes", () => {
  const shapes: Array<[string, (state: string) => string | URL | URLSearchParams]> = [
    ["a full URL string", (s) => `${REDIRECT_URI}?code=${CODE}&state=${s}&realmId=${REALM}`],
    ["a relative /callback?… string", (s) => `/callback?code=${CODE}&state=${s}&realmId=${REALM}`],
    ["a URL object", (s) => new URL(`${REDIRECT_URI}?code=${CODE}&state=${s}&realmId=${REALM}`)],
    ["URLSearchParams", (s) => new URLSearchParams({ code: CODE, state: s, realmId: REALM })],
  ];
  for (const [name, make] of shapes) {
    test(`accepts ${name}`, async () => {
      const client = new AuthClient(server.clientOptions());
      const token = await client.handleCallback(make("st-1"), { expectedState: "st-1" });
      assert.equal(token.realmId, REALM);
      assert.equal(
        server.requests[0]!.body,
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      );
    });
  }

  test("exchangeCallback refuses objects that did not come from validation", async () => {
    const client = new AuthClient(server.clientOptions());
    for (const forged of [
      { code: CODE, state: "s", realmId: REALM },
      Object.freeze({ code: CODE, state: "s", realmId: undefined }),
    ]) {
      const err = await rejection(client.exchangeCallback(forged));
      assert.ok(err instanceof ConfigurationError);
      assert.equal(err.message, "exchangeCallback only accepts validated callback parameters");
    }
    assert.equal(server.requests.length, 0);
  });
});
