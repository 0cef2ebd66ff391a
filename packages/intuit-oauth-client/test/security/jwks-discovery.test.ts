// Security review findings 9 and 12: a failing JWKS is cached negatively for the cooldown and a
// Retry-After never pushes a verification past its timeout; discovery documents must keep their
// issuer and endpoints on the discovery URL's origin unless the caller allows otherwise.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { AuthClient, DiscoveryError, JwksError } from "../../src/index.js";
import { rejection, startFakeIntuit, type FakeIntuit } from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());

describe("finding 9: JWKS failures", () => {
  test("20 verifications against a failing JWKS make one request per cooldown, not 60", async () => {
    const token = await server.signIdToken();
    server.on("/jwks", () => ({ status: 503, body: "down" }));
    server.requests.length = 0;
    const c = new AuthClient(server.clientOptions({ jwks: { cooldownMs: 60_000 } }));
    for (let i = 0; i < 20; i++) {
      const err = await rejection(c.validateIdToken(token));
      assert.ok(err instanceof JwksError, String(err));
    }
    // The first fetch may be retried by the request path (its attempts count), but never again.
    const fetches = server.requestsTo("/jwks").length;
    assert.ok(fetches <= 3, `JWKS requested ${fetches} times`);
    server.on("/jwks", () => ({ body: { keys: server.keys.map((k) => k.publicJwk) } }));
  });

  test("a Retry-After longer than the JWKS timeout is not waited for", async () => {
    const token = await server.signIdToken();
    server.on("/jwks", () => ({ status: 503, headers: { "retry-after": "30" }, body: "" }));
    const c = new AuthClient(server.clientOptions({ jwks: { timeoutMs: 300 } }));
    const started = Date.now();
    const err = await rejection(c.validateIdToken(token));
    const took = Date.now() - started;
    assert.ok(err instanceof JwksError, String(err));
    // Not a benchmark: a 30 s wait would be obvious; 5 s leaves room for a loaded machine.
    assert.ok(took < 5_000, `verification took ${took} ms`);
    server.on("/jwks", () => ({ body: { keys: server.keys.map((k) => k.publicJwk) } }));
  });
});

describe("finding 12: discovery origins", () => {
  let doc: Record<string, unknown>;
  let disco: Server;
  let url: string;
  before(async () => {
    disco = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(doc));
    });
    await new Promise<void>((r) => disco.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(disco.address() as AddressInfo).port}/.well-known/openid-configuration`;
  });
  after(() => new Promise<void>((r) => disco.close(() => r())));

  const base = () => {
    const origin = new URL(url).origin;
    return {
      issuer: origin,
      authorization_endpoint: `${origin}/authorize`,
      token_endpoint: `${origin}/token`,
      revocation_endpoint: `${origin}/revoke`,
      userinfo_endpoint: `${origin}/userinfo`,
      jwks_uri: `${origin}/jwks`,
    };
  };
  const options = () => ({
    clientId: "id",
    clientSecret: "secret",
    redirectUri: "https://app.example.com/callback",
    environment: url,
    discoveryTtlMs: 0,
  });

  test("a document on its own origin is accepted", async () => {
    doc = base();
    const c = await AuthClient.create(options());
    assert.equal(c.endpoints.tokenEndpoint, `${new URL(url).origin}/token`);
  });

  test("an endpoint on another origin is refused", async () => {
    doc = { ...base(), token_endpoint: "https://evil.example.com/token" };
    const err = await rejection(AuthClient.create(options()));
    assert.ok(err instanceof DiscoveryError, String(err));
    assert.match((err as Error).message, /token_endpoint/);
  });

  test("an issuer on another origin is refused", async () => {
    doc = { ...base(), issuer: "https://evil.example.com" };
    const err = await rejection(AuthClient.create(options()));
    assert.ok(err instanceof DiscoveryError, String(err));
  });

  test("a plain-http issuer off loopback is refused", async () => {
    doc = { ...base(), issuer: "http://intuit.example.com" };
    const err = await rejection(AuthClient.create(options()));
    assert.ok(err instanceof DiscoveryError, String(err));
  });

  test("allowedOrigins lets the caller accept another origin explicitly", async () => {
    doc = { ...base(), jwks_uri: "https://keys.example.com/jwks" };
    const c = await AuthClient.create({ ...options(), allowedOrigins: ["https://keys.example.com"] });
    assert.equal(c.endpoints.jwksUri, "https://keys.example.com/jwks");
  });

  test("a loopback document (the emulator) may name Intuit's own issuer", async () => {
    doc = { ...base(), issuer: "https://oauth.platform.intuit.com/op/v1" };
    const c = await AuthClient.create(options());
    assert.equal(c.endpoints.issuer, "https://oauth.platform.intuit.com/op/v1");
  });
});
