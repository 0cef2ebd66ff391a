// RedisStateStore (issue 19, items 7 and 14): it refuses a Redis that may evict its keys (every one
// has a TTL, so `volatile-*` evicts them too, and an evicted state, code or webhook event would be
// accepted again) unless `allowEviction: true`; and a consume that fails leaves none of its own
// keys marked, nor unmarks anyone else's. Eviction runs on private servers this test starts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createClient } from "redis";
import { RedisStateStore } from "../../src/redis.js";
import type { RedisClientLike } from "../../src/stores/redis/token-store.js";
import { killableRedis, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const url = await redisUrl();
const skip = requireOrSkip(url, "redis");

async function keyCount(serverUrl: string): Promise<number> {
  const c = createClient({ url: serverUrl });
  await c.connect();
  try {
    return await c.dbSize();
  } finally {
    await c.close();
  }
}

async function assertRefused(store: RedisStateStore, found: RegExp): Promise<void> {
  await assert.rejects(store.consume(["callback-state:x"], 60_000), (e: Error & { code?: string }) => {
    assert.equal(e.code, "ERR_SHARED_STORE");
    assert.match(e.message, found);
    assert.match(e.message, /a used state, code or webhook event evicted early is accepted again/);
    assert.match(e.message, /set maxmemory-policy noeviction, or pass `allowEviction: true`/);
    return true;
  });
}

describe("RedisStateStore and Redis eviction", { skip }, () => {
  test("volatile-* and allkeys-* policies are refused before anything is written; noeviction works", async () => {
    for (const policy of ["volatile-lru", "volatile-ttl", "volatile-random", "allkeys-lru"]) {
      const s = await killableRedis(["--maxmemory-policy", policy, "--save", ""]);
      const store = new RedisStateStore({ url: s.url });
      try {
        await assertRefused(store, new RegExp(`Redis evicts \\(maxmemory-policy ${policy}\\)`));
        assert.equal(await keyCount(s.url), 0, `${policy}: nothing written`);
      } finally {
        await store.close();
      }
      const allowed = new RedisStateStore({ url: s.url, allowEviction: true });
      try {
        assert.deepEqual(await allowed.consume(["k"], 60_000), [], `${policy}: allowed on request`);
        assert.deepEqual(await allowed.consume(["k"], 60_000), ["k"]);
      } finally {
        await allowed.close();
      }
    }
    const s = await killableRedis(["--maxmemory-policy", "noeviction", "--save", ""]);
    const store = new RedisStateStore({ url: s.url });
    try {
      assert.deepEqual(await store.consume(["k"], 60_000), []);
      assert.deepEqual(await store.consume(["k"], 60_000), ["k"]);
    } finally {
      await store.close();
    }
  });

  test("CONFIG disabled: INFO tells the policy; both disabled: refused as unknown", async () => {
    const noConfig = await killableRedis([
      "--maxmemory-policy",
      "volatile-lfu",
      "--rename-command",
      "CONFIG",
      "",
    ]);
    const store = new RedisStateStore({ url: noConfig.url });
    try {
      await assertRefused(store, /Redis evicts \(maxmemory-policy volatile-lfu\)/);
    } finally {
      await store.close();
    }
    const blind = await killableRedis(["--rename-command", "CONFIG", "", "--rename-command", "INFO", ""]);
    const unknown = new RedisStateStore({ url: blind.url });
    try {
      await assertRefused(unknown, /Redis refused CONFIG GET and INFO, so it may evict/);
      assert.equal(await keyCount(blind.url).catch(() => 0), 0);
    } finally {
      await unknown.close();
    }
  });
});

describe("RedisStateStore: a consume that fails leaves none of its keys marked", { skip }, () => {
  test("a bad key anywhere in the list: nothing is marked", async () => {
    const store = new RedisStateStore({ url: url!, keyPrefix: `${uniqueName("st")}:` });
    try {
      await assert.rejects(store.consume(["event-a", "", "event-b"], 60_000), { code: "ERR_CONFIGURATION" });
      assert.deepEqual(await store.consume(["event-a", "event-b"], 60_000), []);
    } finally {
      await store.close();
    }
  });

  test("the script ran but its answer was lost: this call's keys are taken back, no one else's", async () => {
    const real = createClient({ url: url! });
    await real.connect();
    let loseNext = true;
    const client: RedisClientLike = {
      async sendCommand(args) {
        const reply = await real.sendCommand(args);
        if (loseNext && (args[0] === "EVALSHA" || args[0] === "EVAL")) {
          loseNext = false;
          throw new Error("Socket closed unexpectedly");
        }
        return reply;
      },
    };
    const keyPrefix = `${uniqueName("st")}:`;
    const other = new RedisStateStore({ url: url!, keyPrefix });
    const store = new RedisStateStore({ client, keyPrefix });
    try {
      assert.deepEqual(await other.consume(["event-x"], 60_000), []); // another instance's
      await assert.rejects(store.consume(["event-x", "event-a", "event-b"], 60_000), {
        code: "ERR_SHARED_STORE",
        message: /Socket closed unexpectedly/,
      });
      // The redelivery is taken; the other instance's event stays taken.
      assert.deepEqual(await other.consume(["event-a", "event-b", "event-x"], 60_000), ["event-x"]);
    } finally {
      await other.close();
      await real.close();
    }
  });
});
