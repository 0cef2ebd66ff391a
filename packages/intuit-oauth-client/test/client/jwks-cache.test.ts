// The JWKS cache: each client's own by default, shared only when passed; one fetch for many validations, single-flight, refetch on an unknown
// kid behind a cooldown, key rotation, maximum age, and stale keys kept through an outage.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, IdTokenError, JwksError } from "../../src/index.js";
import { JwksCache } from "../../src/protocol.js";
import {
  newSigningKey,
  rejection,
  startFakeIntuit,
  type FakeIntuit,
  type SigningKey,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
let original: SigningKey;
before(async () => {
  server = await startFakeIntuit();
  original = server.keys[0]!;
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.keys = [original];
  server.on("/jwks", () => ({ body: { keys: server.keys.map((k) => k.publicJwk) } }));
});

const jwksFetches = () => server.requestsTo("/jwks").length;

describe("JWKS cache", () => {
  test("200 validations → exactly 1 JWKS fetch, with the library's User-Agent", async () => {
    const client = new AuthClient(server.clientOptions());
    const token = await server.signIdToken();
    for (let i = 0; i < 200; i++) await client.validateIdToken(token);
    assert.equal(jwksFetches(), 1);
    const req = server.requestsTo("/jwks")[0]!;
    assert.equal(req.method, "GET");
    assert.equal(req.headers["accept"], "application/json");
    assert.match(String(req.headers["user-agent"]), /^intuit-oauth-client\/0\.1\.0 /);
  });

  test("each client owns its cache by default: two clients fetch for themselves", async () => {
    const token = await server.signIdToken();
    const a = new AuthClient(server.clientOptions());
    const b = new AuthClient(server.clientOptions({ fetch: globalThis.fetch }));
    assert.notEqual(a.config.jwksCache, b.config.jwksCache);
    await a.validateIdToken(token);
    await b.validateIdToken(token);
    assert.equal(jwksFetches(), 2);
    // Clearing one owner's cache leaves the other warm.
    a.config.jwksCache.clear();
    await b.validateIdToken(token);
    assert.equal(jwksFetches(), 2);
  });

  test("one cache passed to two clients is shared by them, and JwksCache.shared by whoever passes it", async () => {
    const token = await server.signIdToken();
    const jwksCache = new JwksCache();
    await new AuthClient(server.clientOptions({ jwksCache })).validateIdToken(token);
    await new AuthClient(server.clientOptions({ jwksCache, fetch: globalThis.fetch })).validateIdToken(token);
    assert.equal(jwksFetches(), 1);
    assert.equal(JwksCache.shared, JwksCache.shared);
    const shared = new AuthClient(server.clientOptions({ jwksCache: JwksCache.shared }));
    assert.equal(shared.config.jwksCache, JwksCache.shared);
  });

  test("50 concurrent cold validations share 1 fetch", async () => {
    const client = new AuthClient(server.clientOptions());
    const token = await server.signIdToken();
    const results = await Promise.all(Array.from({ length: 50 }, () => client.validateIdToken(token)));
    assert.equal(results.length, 50);
    assert.equal(results[49]!.realmid, "1108033471");
    assert.equal(jwksFetches(), 1);
  });

  test("an unknown kid refetches once; further unknown kids inside the cooldown fetch nothing", async () => {
    const client = new AuthClient(server.clientOptions({ jwks: { cooldownMs: 1000 } }));
    const stranger = await newSigningKey("kid-never-published");
    const unknown = await server.signIdToken({}, { key: stranger });
    // Signed up front so the cooldown window only holds validations.
    const randomKids = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        server.signIdToken({}, { key: { ...stranger, kid: `random-${i}` } }),
      ),
    );
    await client.validateIdToken(await server.signIdToken());
    assert.equal(jwksFetches(), 1);
    await delay(1050);
    const err = await rejection(client.validateIdToken(unknown));
    assert.ok(err instanceof IdTokenError);
    assert.equal(err.reason, "kid");
    assert.equal(jwksFetches(), 2);
    for (const token of randomKids) {
      const e = await rejection(client.validateIdToken(token));
      assert.equal((e as IdTokenError).reason, "kid");
    }
    assert.equal(jwksFetches(), 2);
  });

  test("the default cooldown is 30 s: an unknown kid right after a fetch causes no fetch storm", async () => {
    const client = new AuthClient(server.clientOptions());
    await client.validateIdToken(await server.signIdToken());
    const stranger = await newSigningKey("other");
    for (let i = 0; i < 10; i++)
      await rejection(client.validateIdToken(await server.signIdToken({}, { key: stranger })));
    assert.equal(jwksFetches(), 1);
  });

  test("key rotation is picked up after an unknown kid", async () => {
    const client = new AuthClient(server.clientOptions({ jwks: { cooldownMs: 100 } }));
    await client.validateIdToken(await server.signIdToken());
    const rotated = await newSigningKey("rotated-kid");
    server.keys = [rotated];
    await delay(150);
    const claims = await client.validateIdToken(
      await server.signIdToken({ sub: "after-rotation" }, { key: rotated }),
    );
    assert.equal(claims.sub, "after-rotation");
    assert.equal(jwksFetches(), 2);
    // The retired key is gone after the refetch.
    const err = await rejection(client.validateIdToken(await server.signIdToken({}, { key: original })));
    assert.equal((err as IdTokenError).reason, "kid");
  });

  test("keys older than maxAgeMs are refetched", async () => {
    const client = new AuthClient(server.clientOptions({ jwks: { maxAgeMs: 500 } }));
    const token = await server.signIdToken();
    await client.validateIdToken(token);
    await client.validateIdToken(token);
    assert.equal(jwksFetches(), 1);
    await delay(550);
    await client.validateIdToken(token);
    assert.equal(jwksFetches(), 2);
  });

  test("a stale key still verifies when the refetch fails", async () => {
    const client = new AuthClient(server.clientOptions({ retry: false, jwks: { maxAgeMs: 50 } }));
    const token = await server.signIdToken();
    await client.validateIdToken(token);
    server.on("/jwks", () => ({ status: 500, body: "" }));
    await delay(80);
    const claims = await client.validateIdToken(token);
    assert.equal(claims.realmid, "1108033471");
    assert.equal(jwksFetches(), 2);
  });

  const broken: Array<[string, { status?: number; body?: unknown }]> = [
    ["an HTTP 500", { status: 500, body: "" }],
    ["a non-JSON body", { body: "<html>" }],
    ["no keys array", { body: { foo: [] } }],
    ["no usable RS256 key", { body: { keys: [{ kty: "EC", kid: "x", crv: "P-256" }] } }],
  ];
  for (const [name, reply] of broken) {
    test(`a cold cache and ${name} → JwksError`, async () => {
      server.on("/jwks", () => reply);
      const client = new AuthClient(server.clientOptions({ retry: false }));
      const err = await rejection(client.validateIdToken(await server.signIdToken()));
      assert.ok(err instanceof JwksError, String(err));
      assert.equal(err.code, "ERR_JWKS");
    });
  }

  test("clearing the client's own JWKS cache forces a refetch", async () => {
    const client = new AuthClient(server.clientOptions());
    const token = await server.signIdToken();
    await client.validateIdToken(token);
    client.config.jwksCache.clear();
    await client.validateIdToken(token);
    assert.equal(jwksFetches(), 2);
  });
});
