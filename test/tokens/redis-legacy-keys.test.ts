// Upgrading RedisTokenStore from the key layout before 0.2 (`<prefix>token:<realm>`, one
// `<prefix>realms` set, `<prefix>lock:<realm>`): get() reads a realm not yet moved, delete() removes
// both layouts, and migrateLegacyKeys() moves every realm under both locks, keeps the newer record,
// leaves unreadable and busy ones, and is idempotent.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createClient } from "redis";
import { serializeRecord } from "../../src/tokens/record.js";
import { RedisTokenStore, redisTokenStoreKeys } from "../../src/stores/redis/token-store.js";
import { minimalRecord } from "../../src/testing/index.js";
import type { TokenRecord } from "../../src/index.js";
import { redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const url = await redisUrl();
const skip = requireOrSkip(url, "redis");
let raw: ReturnType<typeof createClient> | undefined;
before(async () => {
  if (skip) return;
  raw = createClient({ url });
  await raw.connect();
});
after(async () => {
  await raw?.close();
});
const redis = () => raw ?? assert.fail("no Redis client");

function record(
  realmId: string,
  updatedAt: number,
  accessToken = `access-${realmId}-${updatedAt}`,
): TokenRecord {
  return { ...minimalRecord(realmId, accessToken), updatedAt };
}

async function writeLegacy(prefix: string, r: TokenRecord | string, realmId = (r as TokenRecord).realmId) {
  const text = typeof r === "string" ? r : serializeRecord(r);
  await redis().multi().set(`${prefix}token:${realmId}`, text).sAdd(`${prefix}realms`, realmId).exec();
}

async function keys(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of redis().scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) out.push(...batch);
  return out.sort();
}

describe("RedisTokenStore and the key layout before 0.2", { skip }, () => {
  test("get() reads a realm not yet moved; delete() removes it in both layouts", async () => {
    const prefix = `${uniqueName("legacy")}:`;
    const store = new RedisTokenStore({ client: redis(), keyPrefix: prefix });
    try {
      const a = record("a", 100);
      await writeLegacy(prefix, a);
      assert.deepEqual(await store.get("a"), a);
      assert.deepEqual(await store.list(), [], "list() sees a realm once it is moved");
      // A write goes to the current layout, which get() prefers from then on.
      const next = record("a", 200);
      await store.set(next);
      assert.deepEqual(await store.get("a"), next);
      await store.delete("a");
      assert.equal(await store.get("a"), undefined, "the old record does not come back");
      assert.deepEqual(await keys(prefix), []);
    } finally {
      for (const k of await keys(prefix)) await redis().del(k);
    }
  });

  test("migrateLegacyKeys() moves every realm, keeps the newer record, and is idempotent", async () => {
    const prefix = `${uniqueName("legacy")}:`;
    const store = new RedisTokenStore({ client: redis(), keyPrefix: prefix });
    try {
      const a = record("a", 100);
      const bOld = record("b", 100);
      const bNew = record("b", 200);
      const cOld = record("c", 300); // a server of the old version refreshed it last
      const cNew = record("c", 200);
      const dead = { ...record("dead", 50), reauthorization: { reason: "invalid_grant" as const, at: 50 } };
      await writeLegacy(prefix, a);
      await writeLegacy(prefix, bOld);
      await writeLegacy(prefix, cOld);
      await writeLegacy(prefix, dead);
      await writeLegacy(prefix, "{corrupt", "broken");
      await redis().sAdd(`${prefix}realms`, "stale"); // a member without a record
      await store.set(bNew);
      await store.set(cNew);
      // "e" is being refreshed by a server of the old version: its old lock is held.
      await writeLegacy(prefix, record("e", 100));
      await redis().set(`${prefix}lock:e`, "old-server", { PX: 60_000 });

      const result = await store.migrateLegacyKeys();
      assert.deepEqual([...result.moved].sort(), ["a", "b", "c", "dead", "stale"]);
      assert.deepEqual(result.busy, ["e"]);
      assert.deepEqual(
        result.unreadable.map((e) => [e.realmId, e.reason]),
        [["broken", "corrupt"]],
      );
      assert.deepEqual(await store.get("a"), a);
      assert.deepEqual(await store.get("b"), bNew, "the newer record wins");
      assert.deepEqual(await store.get("c"), cOld, "the newer record wins, even the old layout's");
      assert.deepEqual(await store.get("dead"), dead);
      // Moved records are in the indexes: listed, and due when due (a grant marked dead never is).
      assert.deepEqual(
        (await store.list()).map((r) => r.realmId),
        ["a", "b", "c", "dead"],
      );
      assert.deepEqual(
        (await store.listDue(Number.MAX_SAFE_INTEGER, 10)).records.map((r) => r.realmId).sort(),
        ["a", "b", "c"],
      );
      for (const realm of ["a", "b", "c", "dead", "stale"])
        assert.equal(await redis().exists(`${prefix}token:${realm}`), 0, `old key of ${realm} removed`);
      assert.deepEqual((await redis().sMembers(`${prefix}realms`)).sort(), ["broken", "e"]);
      // The moved value is the old text as it was (no re-encoding).
      assert.equal(await redis().get(redisTokenStoreKeys("a", prefix).record), serializeRecord(a));

      await redis().del(`${prefix}lock:e`); // the old server finished
      const again = await store.migrateLegacyKeys();
      assert.deepEqual(again.moved, ["e"]);
      assert.deepEqual(again.busy, []);
      assert.deepEqual(await store.get("e"), record("e", 100));
      const third = await store.migrateLegacyKeys();
      assert.deepEqual(
        { ...third, unreadable: third.unreadable.length },
        { moved: [], busy: [], unreadable: 1 },
      );
      // The old lock of a moved realm was released.
      assert.equal(await redis().exists(`${prefix}lock:a`), 0);
    } finally {
      for (const k of await keys(prefix)) await redis().del(k);
    }
  });

  test("a realm whose new lock is held (a refresh in flight) is left for the next run", async () => {
    const prefix = `${uniqueName("legacy")}:`;
    const store = new RedisTokenStore({ client: redis(), keyPrefix: prefix });
    try {
      await writeLegacy(prefix, record("a", 100));
      const owner = await store.tryLock("a", 60_000);
      assert.ok(owner);
      const result = await store.migrateLegacyKeys();
      assert.deepEqual(result, { moved: [], busy: ["a"], unreadable: [] });
      assert.equal(await redis().exists(`${prefix}token:a`), 1);
      await store.unlock("a", owner);
      assert.deepEqual((await store.migrateLegacyKeys()).moved, ["a"]);
    } finally {
      for (const k of await keys(prefix)) await redis().del(k);
    }
  });
});
