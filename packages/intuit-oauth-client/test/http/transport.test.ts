// The two transports: node:http keeps connections alive, and an injected fetch really carries
// every request (otherwise the "both transports" tests would test node:http twice).
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { AuthClient, type FetchLike } from "../../src/index.js";
import { startFakeIntuit, tokenBody, type FakeIntuit } from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

test("node:http (the default) reuses one keep-alive connection for sequential requests", async () => {
  const client = new AuthClient(server.clientOptions({ refreshToken: "RT" }));
  for (let i = 0; i < 5; i++) await client.refresh();
  const ports = new Set(server.requests.map((r) => r.remotePort));
  assert.equal(server.requests.length, 5);
  assert.equal(ports.size, 1);
});

test("each client owns its connections: two clients never share a socket, each reuses its own", async () => {
  const a = new AuthClient(server.clientOptions({ refreshToken: "RT" }));
  const b = new AuthClient(server.clientOptions({ refreshToken: "RT" }));
  for (let i = 0; i < 3; i++) {
    await a.refresh();
    await b.refresh();
  }
  const ports = server.requests.map((r) => r.remotePort);
  const [pa, pb] = [
    new Set(ports.filter((_, i) => i % 2 === 0)),
    new Set(ports.filter((_, i) => i % 2 === 1)),
  ];
  assert.deepEqual([pa.size, pb.size], [1, 1], "each client keeps one connection alive");
  assert.notDeepEqual([...pa], [...pb], "the two clients' connections are not shared");
});

test("the fetch option carries every request: discovery, token, JWKS, userinfo, revoke", async () => {
  const seen: string[] = [];
  const counting: FetchLike = (input, init) => {
    seen.push(`${init.method} ${new URL(input).pathname}`);
    return globalThis.fetch(input, init);
  };
  server.on("/token", async () => ({ body: tokenBody({ id_token: await server.signIdToken() }) }));
  const client = await AuthClient.create({
    ...server.clientOptions({ fetch: counting, singleUser: true }),
    environment: `${server.url}/.well-known/openid-configuration`,
  });
  await client.getBearerToken("code");
  await client.getUserInfo();
  await client.revoke();
  assert.deepEqual(seen, [
    "GET /.well-known/openid-configuration",
    "POST /token",
    "GET /jwks",
    "GET /userinfo",
    "POST /revoke",
  ]);
  assert.deepEqual(
    server.requests.map((r) => `${r.method} ${r.path}`),
    seen,
  );
});

test("a fetch that throws a plain error becomes a NetworkError", async () => {
  const broken: FetchLike = async () => {
    throw new TypeError("fetch failed", { cause: Object.assign(new Error("boom"), { code: "ECONNRESET" }) });
  };
  const client = new AuthClient(server.clientOptions({ fetch: broken, retry: false }));
  await assert.rejects(client.getBearerToken("code"), (e: unknown) => {
    const err = e as { code: string; systemCode: string; requestMayHaveBeenSent: boolean };
    assert.equal(err.code, "ERR_NETWORK");
    assert.equal(err.systemCode, "ECONNRESET");
    assert.equal(err.requestMayHaveBeenSent, true);
    return true;
  });
});
