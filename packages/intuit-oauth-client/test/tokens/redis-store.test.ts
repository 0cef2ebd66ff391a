// RedisTokenStore against a real Redis: the conformance suite (store-owned and user-supplied
// clients), plus its key layout, error wrapping and connection ownership. Skips without a server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClient } from "redis";
import { serializeRecord } from "../../src/tokens/record.js";
import { RedisTokenStore, redisTokenStoreKeys } from "../../src/stores/redis/token-store.js";
import { redisUrl, requireOrSkip, uniqueName, uniqueRealmId } from "../support/services.js";
import { minimalRecord, storeConformance, type StoreFixture } from "../../src/testing/index.js";

const url = await redisUrl();
const skip = requireOrSkip(url, "redis");
type Client = ReturnType<typeof createClient>;
let raw: Client | undefined;

before(async () => {
  if (skip) return;
  raw = createClient({ url });
  raw.on("error", () => {});
  await raw.connect();
});
after(async () => {
  await raw?.close();
});

function rawClient(): Client {
  if (!raw) throw new Error("no raw Redis client");
  return raw;
}

// Every key a test wrote lives under its unique prefix; delete them all.
async function dropPrefix(prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of rawClient().scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
    keys.push(...batch);
  if (keys.length) await rawClient().del(keys);
}

function fixture(own: "url" | "client") {
  return async (): Promise<StoreFixture> => {
    const keyPrefix = `${uniqueName("intuit-test")}:`;
    const store =
      own === "url"
        ? new RedisTokenStore({ url, keyPrefix })
        : new RedisTokenStore({ client: rawClient(), keyPrefix });
    return {
      store,
      async cleanup() {
        await store.close();
        await dropPrefix(keyPrefix);
      },
      async writeRaw(realmId, text) {
        const keys = redisTokenStoreKeys(realmId, keyPrefix);
        await rawClient()
          .multi()
          .set(keys.record, text)
          .zAdd(keys.realms, { score: 0, value: realmId })
          .exec();
      },
      async readRaw(realmId) {
        return (await rawClient().get(redisTokenStoreKeys(realmId, keyPrefix).record)) ?? undefined;
      },
      async reopen(options) {
        return new RedisTokenStore({ client: rawClient(), keyPrefix, ...options });
      },
    };
  };
}

storeConformance("RedisTokenStore (own client from url)", fixture("url"), { skip });
storeConformance("RedisTokenStore (user-supplied client)", fixture("client"), { skip });

describe("RedisTokenStore specifics", { skip }, () => {
  test("key layout: record JSON and lock in the realm's bucket, with the bucket's realms and expiry indexes", async () => {
    const keyPrefix = `${uniqueName("intuit-test")}:`;
    const store = new RedisTokenStore({ client: rawClient(), keyPrefix });
    try {
      const record = minimalRecord("123145");
      const keys = redisTokenStoreKeys("123145", keyPrefix);
      // FNV-1a of "123145" modulo 16, as hex in the hash tag.
      assert.equal(keys.bucket, 1);
      assert.equal(keys.record, `${keyPrefix}{01}:token:123145`);
      assert.equal(keys.lock, `${keyPrefix}{01}:lock:123145`);
      assert.equal(keys.realms, `${keyPrefix}{01}:realms`);
      assert.equal(keys.due, `${keyPrefix}{01}:due`);
      await store.set(record);
      assert.equal(await rawClient().get(keys.record), serializeRecord(record));
      assert.deepEqual(await rawClient().zRangeWithScores(keys.realms, 0, -1), [
        { value: "123145", score: 0 },
      ]);
      assert.deepEqual(await rawClient().zRangeWithScores(keys.due, 0, -1), [
        { value: "123145", score: record.token.accessTokenExpiresAt },
      ]);
      // A grant marked for reauthorization leaves the expiry index, not the realms index.
      await store.set({ ...record, reauthorization: { reason: "invalid_grant", at: 1 } });
      assert.equal(await rawClient().zCard(keys.due), 0);
      assert.equal(await rawClient().zCard(keys.realms), 1);
      const owner = await store.tryLock("123145", 5000);
      assert.equal(await rawClient().get(keys.lock), owner);
      const ttl = await rawClient().pTTL(keys.lock);
      assert.ok(ttl > 4000 && ttl <= 5000, `lease ttl ${ttl}`);
      await store.unlock("123145", owner ?? "");
      assert.equal(await rawClient().exists(keys.lock), 0);
      await store.delete("123145");
      assert.equal(await rawClient().exists([keys.record, keys.realms, keys.due]), 0);
    } finally {
      await dropPrefix(keyPrefix);
    }
  });

  test("realms spread over the 16 buckets", async () => {
    const buckets = new Set(
      Array.from({ length: 200 }, (_, i) => redisTokenStoreKeys(`46208163${i}`).bucket),
    );
    assert.equal(buckets.size, 16);
    assert.throws(() => new RedisTokenStore({ client: rawClient(), keyPrefix: "a{b}:" }), {
      name: "ConfigurationError",
      message: "RedisTokenStore keyPrefix must be a string without { or }",
    });
  });

  test("the default key prefix is intuit-oauth:", async () => {
    const store = new RedisTokenStore({ client: rawClient() });
    const realm = uniqueRealmId();
    const key = redisTokenStoreKeys(realm).record;
    assert.match(key, /^intuit-oauth:\{[0-9a-f]{2}\}:token:/);
    try {
      await store.set(minimalRecord(realm));
      assert.equal(await rawClient().exists(key), 1);
    } finally {
      await store.delete(realm);
    }
    assert.equal(await rawClient().exists(key), 0);
  });

  test("close() leaves a user-supplied client open and closes its own", async () => {
    const mine = new RedisTokenStore({ client: rawClient(), keyPrefix: `${uniqueName("intuit-test")}:` });
    await mine.get("4620816399");
    await mine.close();
    assert.equal(rawClient().isOpen, true);
    assert.equal(await rawClient().ping(), "PONG");
    const own = new RedisTokenStore({ url, keyPrefix: `${uniqueName("intuit-test")}:` });
    await own.get("4620816399");
    await own.close();
    await assert.rejects(own.get("4620816399"), {
      name: "TokenStoreError",
      message: "RedisTokenStore is closed",
    });
  });

  test("Redis errors are TokenStoreErrors with the cause; a failed set keeps the previous record", async () => {
    const keyPrefix = `${uniqueName("intuit-test")}:`;
    const store = new RedisTokenStore({ client: rawClient(), keyPrefix });
    try {
      const previous = minimalRecord("4620816361", "access-1");
      await store.set(previous);
      await rawClient().set(redisTokenStoreKeys("4620816361", keyPrefix).realms, "not a set"); // WRONGTYPE for ZADD
      const err = await store.set(minimalRecord("4620816361", "access-2")).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error);
      assert.equal(err.name, "TokenStoreError");
      assert.match(err.message, /^Redis: write failed: .*WRONGTYPE/);
      assert.ok(err.cause instanceof Error);
      assert.match(err.cause.message, /WRONGTYPE/);
      // A failed set leaves the previous record.
      assert.deepEqual(await store.get("4620816361"), previous);
    } finally {
      await dropPrefix(keyPrefix);
    }
  });

  test("an unreachable server fails fast with TokenStoreError", async () => {
    const store = new RedisTokenStore({ url: "redis://127.0.0.1:1" });
    await assert.rejects(store.get("4620816399"), {
      name: "TokenStoreError",
      message: "Redis: cannot connect to 127.0.0.1:1 (read)",
    });
    await store.close();
  });

  test("options: exactly one of client or url", () => {
    assert.throws(() => new RedisTokenStore({}), { name: "ConfigurationError" });
    assert.throws(() => new RedisTokenStore({ url: "redis://x", client: rawClient() }), {
      name: "ConfigurationError",
      message: "RedisTokenStore needs exactly one of `client` or `url`",
    });
  });
});
