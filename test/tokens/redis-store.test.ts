// RedisTokenStore against a real Redis: the conformance suite (store-owned and user-supplied
// clients), plus its key layout, error wrapping and connection ownership. Skips without a server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClient } from "redis";
import { serializeRecord } from "../../src/tokens/record.js";
import { RedisTokenStore } from "../../src/tokens/stores/redis.js";
import { redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
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
        await rawClient()
          .multi()
          .set(`${keyPrefix}token:${realmId}`, text)
          .sAdd(`${keyPrefix}realms`, realmId)
          .exec();
      },
      async readRaw(realmId) {
        return (await rawClient().get(`${keyPrefix}token:${realmId}`)) ?? undefined;
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
  test("key layout: record JSON, realms set, lock with owner and lease", async () => {
    const keyPrefix = `${uniqueName("intuit-test")}:`;
    const store = new RedisTokenStore({ client: rawClient(), keyPrefix });
    try {
      const record = minimalRecord("123145");
      await store.set(record);
      assert.equal(await rawClient().get(`${keyPrefix}token:123145`), serializeRecord(record));
      assert.deepEqual(await rawClient().sMembers(`${keyPrefix}realms`), ["123145"]);
      const owner = await store.tryLock("123145", 5000);
      assert.equal(await rawClient().get(`${keyPrefix}lock:123145`), owner);
      const ttl = await rawClient().pTTL(`${keyPrefix}lock:123145`);
      assert.ok(ttl > 4000 && ttl <= 5000, `lease ttl ${ttl}`);
      await store.unlock("123145", owner ?? "");
      assert.equal(await rawClient().exists(`${keyPrefix}lock:123145`), 0);
      await store.delete("123145");
      assert.equal(await rawClient().exists(`${keyPrefix}token:123145`), 0);
      assert.deepEqual(await rawClient().sMembers(`${keyPrefix}realms`), []);
    } finally {
      await dropPrefix(keyPrefix);
    }
  });

  test("the default key prefix is intuit-oauth:", async () => {
    const store = new RedisTokenStore({ client: rawClient() });
    const realm = uniqueName("prefix-check");
    try {
      await store.set(minimalRecord(realm));
      assert.equal(await rawClient().exists(`intuit-oauth:token:${realm}`), 1);
    } finally {
      await store.delete(realm);
    }
    assert.equal(await rawClient().exists(`intuit-oauth:token:${realm}`), 0);
  });

  test("close() leaves a user-supplied client open and closes its own", async () => {
    const mine = new RedisTokenStore({ client: rawClient(), keyPrefix: `${uniqueName("intuit-test")}:` });
    await mine.get("x");
    await mine.close();
    assert.equal(rawClient().isOpen, true);
    assert.equal(await rawClient().ping(), "PONG");
    const own = new RedisTokenStore({ url, keyPrefix: `${uniqueName("intuit-test")}:` });
    await own.get("x");
    await own.close();
    await assert.rejects(own.get("x"), { name: "TokenStoreError", message: "RedisTokenStore is closed" });
  });

  test("Redis errors are TokenStoreErrors with the cause; a failed set keeps the previous record", async () => {
    const keyPrefix = `${uniqueName("intuit-test")}:`;
    const store = new RedisTokenStore({ client: rawClient(), keyPrefix });
    try {
      const previous = minimalRecord("r1", "access-1");
      await store.set(previous);
      await rawClient().set(`${keyPrefix}realms`, "not a set"); // WRONGTYPE for SADD
      const err = await store.set(minimalRecord("r1", "access-2")).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error);
      assert.equal(err.name, "TokenStoreError");
      assert.match(err.message, /^Redis: write failed: .*WRONGTYPE/);
      assert.ok(err.cause instanceof Error);
      assert.match(err.cause.message, /WRONGTYPE/);
      // A failed set leaves the previous record.
      assert.deepEqual(await store.get("r1"), previous);
    } finally {
      await dropPrefix(keyPrefix);
    }
  });

  test("an unreachable server fails fast with TokenStoreError", async () => {
    const store = new RedisTokenStore({ url: "redis://127.0.0.1:1" });
    await assert.rejects(store.get("x"), {
      name: "TokenStoreError",
      message: "Redis: cannot connect (read)",
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
