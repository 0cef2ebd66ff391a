// Network failures as typed errors: timeouts, caller aborts, refused connections.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, test } from "node:test";
import { AbortError, AuthClient, NetworkError, TimeoutError } from "../../src/index.js";
import {
  TRANSPORTS,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
let closedPort: number;
before(async () => {
  server = await startFakeIntuit();
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  closedPort = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ hang: true }));
  server.on("/userinfo", () => ({ hang: true }));
});

for (const { name, options } of TRANSPORTS) {
  describe(`network failures over ${name}`, () => {
    test("a server that never answers → TimeoutError after the timeout", async () => {
      const client = new AuthClient(server.clientOptions({ ...options, timeoutMs: 300 }));
      const started = performance.now();
      const err = await rejection(client.getBearerToken("code"));
      const elapsed = performance.now() - started;
      assert.ok(err instanceof TimeoutError, String(err));
      assert.ok(err instanceof NetworkError);
      assert.equal(err.code, "ERR_TIMEOUT");
      assert.equal(err.requestMayHaveBeenSent, true);
      assert.match(err.message, /timed out after 300 ms/);
      assert.ok(elapsed >= 280 && elapsed < 1500, `took ${elapsed} ms`);
      // Not retried: at most the one request (on a loaded box the server may not have read it yet).
      assert.ok(server.requestsTo("/token").length <= 1);
    });

    test("a timed-out GET with retries off fails once, within ~1 s", async () => {
      const client = new AuthClient(
        server.clientOptions({ ...options, timeoutMs: 300, retry: false, accessToken: "AT" }),
      );
      const started = performance.now();
      const err = await rejection(client.getUserInfo());
      assert.ok(err instanceof TimeoutError);
      assert.ok(performance.now() - started < 1000);
      assert.equal(server.requestsTo("/userinfo").length, 1);
    });

    test("an AbortSignal aborts an in-flight request → AbortError", async () => {
      const client = new AuthClient(server.clientOptions(options));
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 100);
      const err = await rejection(client.getBearerToken("code", { signal: controller.signal }));
      assert.ok(err instanceof AbortError, String(err));
      assert.equal(err.code, "ERR_ABORT");
      assert.ok(performance.now() - started < 1000);
    });

    test("an already-aborted signal → AbortError and no token request", async () => {
      const client = new AuthClient(server.clientOptions({ ...options, accessToken: "AT" }));
      const err = await rejection(client.getUserInfo(undefined, { signal: AbortSignal.abort() }));
      assert.ok(err instanceof AbortError, String(err));
      assert.equal(server.requestsTo("/userinfo").length, 0);
    });

    test("an abort while waiting to retry → AbortError, no further request", async () => {
      const controller = new AbortController();
      // Its own path, so a late request of an earlier test cannot shift the count.
      let n = 0;
      server.on("/token-retry", () => {
        // Abort once the client has its 503 and is waiting out Retry-After.
        if (n++ === 0) setTimeout(() => controller.abort(), 100);
        return n === 1 ? { status: 503, headers: { "retry-after": "5" }, body: "" } : { body: tokenBody() };
      });
      const client = new AuthClient({
        ...server.clientOptions({ ...options, refreshToken: "RT" }),
        environment: { ...server.endpoints(), tokenEndpoint: `${server.url}/token-retry` },
      });
      const started = performance.now();
      const err = await rejection(client.refresh(undefined, { signal: controller.signal }));
      assert.ok(err instanceof AbortError, `got ${String(err)}`);
      assert.equal(err.code, "ERR_ABORT");
      assert.ok(performance.now() - started < 2500);
      assert.equal(n, 1);
    });

    test("a refused connection → NetworkError with requestMayHaveBeenSent false", async () => {
      const origin = `http://127.0.0.1:${closedPort}`;
      const client = new AuthClient({
        ...server.clientOptions({ ...options, retry: false }),
        environment: { ...server.endpoints(), tokenEndpoint: `${origin}/token` },
      });
      const err = await rejection(client.getBearerToken("code"));
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(err instanceof TimeoutError, false);
      assert.equal(err.code, "ERR_NETWORK");
      assert.equal(err.requestMayHaveBeenSent, false);
      assert.equal(err.systemCode, "ECONNREFUSED");
      assert.ok(err.cause instanceof Error);
    });
  });
}
