// Intuit's HTTP errors: AuthClientError fields and Python-format message, invalid_grant,
// unusable 200 bodies, and the stable `code` of every error class.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import * as lib from "../../src/index.js";
import { AuthClient, AuthClientError, InvalidGrantError, mustReconnect } from "../../src/index.js";
import {
  DEFAULT_DATE,
  DEFAULT_TID,
  TRANSPORTS,
  rejection,
  startFakeIntuit,
  type FakeIntuit,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

for (const { name, options } of TRANSPORTS) {
  describe(`token endpoint errors over ${name}`, () => {
    test("a 400 carries statusCode, content, headers, intuitTid, timestamp, error and errorDescription", async () => {
      const body = '{"error":"invalid_request","error_description":"Bad thing"}';
      server.on("/token", () => ({
        status: 400,
        headers: { intuit_tid: "tid-400", date: "Mon, 05 Jan 2026 10:00:00 GMT" },
        body,
      }));
      const client = new AuthClient(server.clientOptions({ ...options, refreshToken: "RT-x" }));
      const err = await rejection(client.refresh());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err instanceof InvalidGrantError, false);
      assert.equal(err.statusCode, 400);
      assert.equal(err.status_code, 400);
      assert.equal(err.content, body);
      assert.equal(err.headers["content-type"], "application/json;charset=UTF-8");
      assert.equal(err.headers["intuit_tid"], "tid-400");
      assert.equal(err.intuitTid, "tid-400");
      assert.equal(err.intuit_tid, "tid-400");
      assert.equal(err.timestamp, "Mon, 05 Jan 2026 10:00:00 GMT");
      assert.equal(err.error, "invalid_request");
      assert.equal(err.errorDescription, "Bad thing");
      assert.equal(mustReconnect(err), false);
      assert.equal(err.code, "ERR_AUTH_CLIENT");
      assert.equal(err.name, "AuthClientError");
      assert.equal(
        err.message,
        `HTTP status 400, error message: ${body}, intuit_tid tid-400 at time Mon, 05 Jan 2026 10:00:00 GMT`,
      );
    });

    test("invalid_grant is an InvalidGrantError that mustReconnect, in Python's message format", async () => {
      server.on("/token", () => ({ status: 400, body: '{"error":"invalid_grant"}' }));
      const client = new AuthClient(server.clientOptions({ ...options, refreshToken: "RT-x" }));
      const err = await rejection(client.refresh());
      assert.ok(err instanceof InvalidGrantError);
      assert.ok(err instanceof AuthClientError);
      assert.equal(mustReconnect(err), true);
      assert.equal(err.code, "ERR_INVALID_GRANT");
      assert.equal(err.error, "invalid_grant");
      assert.equal(err.errorDescription, undefined);
      assert.equal(
        err.message,
        `HTTP status 400, error message: {"error":"invalid_grant"}, intuit_tid ${DEFAULT_TID} at time ${DEFAULT_DATE}`,
      );
      assert.equal(server.requests.length, 1, "a 400 is not retried");
    });

    test("without intuit_tid and Date the message says None, as Python does; invalid_client says what to check", async () => {
      server.on("/token", () => ({
        status: 401,
        headers: { intuit_tid: "", date: "" },
        body: '{"error":"invalid_client"}',
      }));
      const client = new AuthClient(server.clientOptions(options));
      const err = (await rejection(client.getBearerToken("c"))) as AuthClientError;
      assert.equal(err.statusCode, 401);
      assert.equal(err.error, "invalid_client");
      assert.match(
        err.message,
        /^HTTP status 401, error message: \{"error":"invalid_client"\}, intuit_tid (None|) at time (None|)\. /,
      );
      // What to check: the id and secret, development against production keys, the environment.
      assert.match(err.message, /check the client id and secret/);
      assert.match(err.message, /Development keys for the sandbox environment or its Production keys/);
      assert.match(err.message, /`environment` option$/);
    });

    test("a non-JSON error body keeps the raw text and no parsed error", async () => {
      server.on("/token", () => ({
        status: 502,
        headers: { "content-type": "text/html" },
        body: "<html>Bad Gateway</html>",
      }));
      const client = new AuthClient(server.clientOptions(options));
      const err = (await rejection(client.getBearerToken("c"))) as AuthClientError;
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 502);
      assert.equal(err.content, "<html>Bad Gateway</html>");
      assert.equal(err.error, undefined);
    });

    const bad200: Array<[string, string, string]> = [
      ["an error member", '{"error":"invalid_grant","error_description":"Token invalid"}', "invalid_grant"],
      ["no access_token", '{"refresh_token":"RT-x","expires_in":3600}', "invalid_response"],
      ["an empty access_token", '{"access_token":"","refresh_token":"RT-x"}', "invalid_response"],
      ["a non-JSON body", "<html>maintenance</html>", "invalid_response"],
      ["an empty body", "", "invalid_response"],
      ["a JSON array", "[1,2]", "invalid_response"],
      ["JSON null", "null", "invalid_response"],
      ["a numeric access_token", '{"access_token":123,"refresh_token":"RT"}', "invalid_response"],
      [
        "a string expires_in",
        '{"access_token":"AT","refresh_token":"RT","expires_in":"soon"}',
        "invalid_response",
      ],
      [
        "a negative expires_in",
        '{"access_token":"AT","refresh_token":"RT","expires_in":-1}',
        "invalid_response",
      ],
      ["an object refresh_token", '{"access_token":"AT","refresh_token":{}}', "invalid_response"],
      ["a numeric id_token", '{"access_token":"AT","refresh_token":"RT","id_token":7}', "invalid_response"],
      ["no refresh_token on a code exchange", '{"access_token":"AT","expires_in":3600}', "invalid_response"],
      ["a truncated body", '{"access_token":"AT","refresh_tok', "invalid_response"],
    ];
    for (const [what, body, error] of bad200) {
      test(`a 200 with ${what} is an AuthClientError (${error}), never a SyntaxError/TypeError`, async () => {
        server.on("/token", () => ({ body }));
        const client = new AuthClient(server.clientOptions(options));
        const err = await rejection(client.getBearerToken("c"));
        assert.ok(err instanceof AuthClientError, `got ${String(err)}`);
        assert.equal(err.statusCode, 200);
        assert.equal(err.error, error);
        assert.equal(err.intuitTid, DEFAULT_TID);
        assert.equal(client.accessToken, undefined);
        assert.equal(server.requests.length, 1);
      });
    }

    test("a 200 userinfo that is not JSON is an AuthClientError", async () => {
      server.on("/userinfo", () => ({ body: "oops" }));
      const client = new AuthClient(server.clientOptions({ ...options, accessToken: "AT" }));
      const err = await rejection(client.getUserInfo());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 200);
      assert.equal(err.error, "invalid_response");
    });
  });
}

describe("stable codes", () => {
  const expected: Record<string, string> = {
    IntuitOAuthError: "ERR_INTUIT_OAUTH",
    ConfigurationError: "ERR_CONFIGURATION",
    MissingTokenError: "ERR_MISSING_TOKEN",
    AuthClientError: "ERR_AUTH_CLIENT",
    InvalidGrantError: "ERR_INVALID_GRANT",
    NetworkError: "ERR_NETWORK",
    TimeoutError: "ERR_TIMEOUT",
    AbortError: "ERR_ABORT",
    DiscoveryError: "ERR_DISCOVERY",
    CallbackError: "ERR_CALLBACK",
    AuthorizationResponseError: "ERR_AUTHORIZATION_RESPONSE",
    IdTokenError: "ERR_ID_TOKEN",
    JwksError: "ERR_JWKS",
    TokenSetFormatError: "ERR_TOKEN_SET_FORMAT",
    UserInfoFormatError: "ERR_USERINFO_FORMAT",
  };

  test("every exported error class has its own ERR_ code (core ones listed here)", () => {
    const classes = Object.entries(lib).filter(
      ([, v]) =>
        typeof v === "function" &&
        (v === lib.IntuitOAuthError || v.prototype instanceof lib.IntuitOAuthError),
    ) as Array<[string, { code: string }]>;
    for (const name of Object.keys(expected))
      assert.ok(
        classes.some(([k]) => k === name),
        `${name} is exported`,
      );
    const codes = classes.map(([, C]) => C.code);
    for (const code of codes) assert.match(code, /^ERR_[A-Z_]+$/);
    assert.equal(new Set(codes).size, codes.length, "codes are unique");
  });

  const sample = (name: string): Error => {
    const C = (lib as unknown as Record<string, new (...a: unknown[]) => Error>)[name]!;
    switch (name) {
      case "AuthClientError":
      case "InvalidGrantError":
        return new C({ statusCode: 400, content: "", headers: {} });
      case "NetworkError":
      case "TimeoutError":
      case "AbortError":
        return new C("m", { requestMayHaveBeenSent: false });
      case "CallbackError":
        return new C("state_missing", "m");
      case "AuthorizationResponseError":
        return new C("access_denied", undefined);
      case "IdTokenError":
        return new C("alg", "m");
      default:
        return new C("m");
    }
  };
  for (const [name, code] of Object.entries(expected)) {
    test(`${name}.code === "${code}" on the class and the instance`, () => {
      const C = (lib as unknown as Record<string, { code: string }>)[name]!;
      assert.equal(C.code, code);
      const e = sample(name) as Error & { code: string };
      assert.equal(e.code, code);
      assert.equal(e.name, name);
      assert.ok(e instanceof lib.IntuitOAuthError);
    });
  }
});
