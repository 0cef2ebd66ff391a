// The retry policy: refresh, revoke and GETs are retried on 429/5xx and network errors, with
// Retry-After honoured; the code exchange is never retried once it may have reached the server.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, AuthClientError, NetworkError } from "../../src/index.js";
import {
  TRANSPORTS,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
  type Reply,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

const fast = { minDelayMs: 5, maxDelayMs: 20 };
const ok: Reply = { body: tokenBody() };
const unavailable: Reply = { status: 503, body: '{"error":"temporarily_unavailable"}' };

for (const { name, options } of TRANSPORTS) {
  describe(`retries over ${name}`, () => {
    test("refresh is retried on 503 until it succeeds", async () => {
      server.sequence("/token", [unavailable, unavailable, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: fast, refreshToken: "RT-1" }));
      const token = await client.refresh();
      assert.equal(token.accessToken, "eyJ-access-token-value");
      const reqs = server.requestsTo("/token");
      assert.equal(reqs.length, 3);
      for (const r of reqs) assert.equal(r.body, "grant_type=refresh_token&refresh_token=RT-1");
    });

    test("refresh gives up after the configured retries with the last error", async () => {
      server.sequence("/token", [unavailable]);
      const client = new AuthClient(
        server.clientOptions({ ...options, retry: { ...fast, retries: 3 }, refreshToken: "RT-1" }),
      );
      const err = await rejection(client.refresh());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 503);
      assert.equal(server.requestsTo("/token").length, 4);
    });

    test("the default policy makes 3 attempts", async () => {
      server.sequence("/token", [unavailable]);
      const client = new AuthClient(server.clientOptions({ ...options, refreshToken: "RT-1" }));
      await rejection(client.refresh());
      assert.equal(server.requestsTo("/token").length, 3);
    });

    test("refresh honours Retry-After: 1 on 429", async () => {
      server.sequence("/token", [{ status: 429, headers: { "retry-after": "1" }, body: "" }, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: fast, refreshToken: "RT-1" }));
      const started = performance.now();
      await client.refresh();
      const waited = performance.now() - started;
      assert.equal(server.requestsTo("/token").length, 2);
      assert.ok(waited >= 950, `waited only ${waited} ms`);
      assert.ok(waited < 3000, `waited ${waited} ms`);
    });

    test("a Retry-After beyond maxRetryAfterMs is not waited for", async () => {
      server.sequence("/token", [{ status: 429, headers: { "retry-after": "120" }, body: "" }, ok]);
      const client = new AuthClient(
        server.clientOptions({ ...options, retry: { ...fast, maxRetryAfterMs: 1000 }, refreshToken: "RT-1" }),
      );
      const err = await rejection(client.refresh());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 429);
      assert.equal(server.requestsTo("/token").length, 1);
    });

    test("retry: false disables retries", async () => {
      server.sequence("/token", [unavailable, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: false, refreshToken: "RT-1" }));
      const err = await rejection(client.refresh());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.statusCode, 503);
      assert.equal(server.requestsTo("/token").length, 1);
    });

    test("4xx other than 408/429 are not retried", async () => {
      server.sequence("/token", [{ status: 400, body: '{"error":"invalid_grant"}' }, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: fast, refreshToken: "RT-1" }));
      await rejection(client.refresh());
      assert.equal(server.requestsTo("/token").length, 1);
    });

    test("refresh is retried after the connection is dropped mid-request", async () => {
      server.sequence("/token", [{ destroy: true }, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: fast, refreshToken: "RT-1" }));
      const token = await client.refresh();
      assert.equal(token.refreshToken, "RT1-39-H3-refresh-token-value");
      assert.equal(server.requestsTo("/token").length, 2);
    });

    test("revoke and userinfo are retried on 503", async () => {
      server.sequence("/revoke", [unavailable, { body: "" }]);
      server.sequence("/userinfo", [unavailable, { body: { sub: "u" } }]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: fast, accessToken: "AT" }));
      assert.equal(await client.revoke("RT-x"), true);
      assert.deepEqual(await client.getUserInfo(), { sub: "u" });
      assert.equal(server.requestsTo("/revoke").length, 2);
      assert.equal(server.requestsTo("/userinfo").length, 2);
    });

    for (const [what, reply] of [
      ["503", unavailable],
      ["429 with Retry-After: 0", { status: 429, headers: { "retry-after": "0" }, body: "" }],
      ["500", { status: 500, body: "" }],
    ] as const) {
      test(`the code exchange is never retried: ${what} → exactly 1 request`, async () => {
        server.sequence("/token", [reply, ok]);
        const client = new AuthClient(server.clientOptions({ ...options, retry: { ...fast, retries: 5 } }));
        const err = await rejection(client.getBearerToken("single-use-code"));
        assert.ok(err instanceof AuthClientError);
        assert.equal(server.requestsTo("/token").length, 1);
        assert.equal(client.accessToken, undefined);
      });
    }

    test("the code exchange is not retried after the server read it and dropped the socket", async () => {
      server.sequence("/token", [{ destroy: true }, ok]);
      const client = new AuthClient(server.clientOptions({ ...options, retry: { ...fast, retries: 5 } }));
      const err = await rejection(client.getBearerToken("single-use-code"));
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(err.requestMayHaveBeenSent, true);
      assert.equal(err.code, "ERR_NETWORK");
      assert.equal(server.requestsTo("/token").length, 1);
      assert.equal(
        server.requestsTo("/token")[0]!.body,
        "grant_type=authorization_code&code=single-use-code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback",
      );
    });
  });
}
