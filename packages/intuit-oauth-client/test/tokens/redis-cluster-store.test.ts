// RedisTokenStore on a three-master Redis Cluster (INTUIT_TEST_REDIS_CLUSTER_URL, or a private one):
// the conformance suite through a node-redis cluster client, one slot per realm (record, lock and
// its bucket's indexes), buckets spread over the masters, and the persistence check on each master.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createCluster } from "redis";
import { RedisTokenStore, redisTokenStoreKeys, REDIS_BUCKETS } from "../../src/stores/redis/token-store.js";
import { minimalRecord, storeConformance, type StoreFixture } from "../../src/testing/index.js";
import { redisClusterUrl, requireOrSkip, uniqueName } from "../support/services.js";

const url = await redisClusterUrl();
const skip = requireOrSkip(url, "Redis cluster");
type Cluster = ReturnType<typeof createCluster>;
let cluster: Cluster | undefined;

before(async () => {
  if (skip) return;
  cluster = createCluster({ rootNodes: [{ url }] });
  cluster.on("error", () => {});
  await cluster.connect();
});
after(async () => {
  await cluster?.close();
});

function c(): Cluster {
  return cluster ?? assert.fail("no cluster client");
}

/** Every key under `prefix`, from every master. */
async function keysOf(prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const master of c().masters) {
    const node = await c().nodeClient(master);
    for await (const batch of node.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) out.push(...batch);
  }
  return out;
}

async function dropPrefix(prefix: string): Promise<void> {
  for (const key of await keysOf(prefix)) await c().del(key);
}

const slotOf = async (key: string) => Number(await c().sendCommand(key, true, ["CLUSTER", "KEYSLOT", key]));

function fixture(): Promise<StoreFixture> {
  const keyPrefix = `${uniqueName("intuit-cluster")}:`;
  const store = new RedisTokenStore({ client: c(), keyPrefix });
  return Promise.resolve({
    store,
    async cleanup() {
      await store.close();
      await dropPrefix(keyPrefix);
    },
    async writeRaw(realmId, text) {
      const keys = redisTokenStoreKeys(realmId, keyPrefix);
      await c().set(keys.record, text);
      await c().zAdd(keys.realms, { score: 0, value: realmId });
    },
    async readRaw(realmId) {
      return (await c().get(redisTokenStoreKeys(realmId, keyPrefix).record)) ?? undefined;
    },
    async reopen(options) {
      return new RedisTokenStore({ client: c(), keyPrefix, ...options });
    },
  });
}

storeConformance("RedisTokenStore (Redis Cluster client)", fixture, { skip });

describe("RedisTokenStore on Redis Cluster", { skip }, () => {
  test("a realm's record, lock and its bucket's indexes share one slot", async () => {
    for (const realm of ["4620816365", "123145", "0", "1".repeat(32), "9341453050198162"]) {
      const keys = redisTokenStoreKeys(realm, "intuit-oauth:");
      const slots = await Promise.all([keys.record, keys.lock, keys.realms, keys.due].map(slotOf));
      assert.equal(new Set(slots).size, 1, `${realm}: ${slots.join(", ")}`);
    }
  });

  test("the 16 buckets spread over the masters, and list/listDue merge them", async () => {
    const masters = new Set<string>();
    const slots = await c().sendCommand(undefined, true, ["CLUSTER", "SLOTS"]);
    const ranges = (slots as unknown as Array<[number, number, [string, number]]>).map(
      ([from, to, [host, port]]) => ({
        from: Number(from),
        to: Number(to),
        node: `${host}:${port}`,
      }),
    );
    for (let b = 0; b < REDIS_BUCKETS; b++) {
      const realm = Array.from({ length: 500 }, (_, i) => `46208163${i}`).find(
        (r) => redisTokenStoreKeys(r).bucket === b,
      );
      const slot = await slotOf(redisTokenStoreKeys(realm ?? "").record);
      masters.add(ranges.find((r) => slot >= r.from && slot <= r.to)?.node ?? "?");
    }
    assert.ok(masters.size >= 2, `buckets on ${[...masters].join(", ")}`);

    const keyPrefix = `${uniqueName("intuit-cluster")}:`;
    const store = new RedisTokenStore({ client: c(), keyPrefix });
    try {
      const realms = Array.from({ length: 64 }, (_, i) => `91303500000001${String(i).padStart(2, "0")}`);
      for (const [i, r] of realms.entries()) {
        const record = minimalRecord(r);
        record.token.accessTokenExpiresAt = 1_000 + i;
        await store.set(record);
      }
      // Keys on more than one master: the indexes are sharded, not one hot key.
      const perMaster = await Promise.all(
        c().masters.map(async (m) => {
          const node = await c().nodeClient(m);
          let n = 0;
          for await (const batch of node.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 }))
            n += batch.length;
          return n;
        }),
      );
      assert.ok(perMaster.filter((n) => n > 0).length >= 2, `keys per master: ${perMaster.join(", ")}`);
      assert.deepEqual(
        (await store.list()).map((r) => r.realmId),
        realms,
      );
      const due = await store.listDue(1_000 + 31, 100);
      assert.deepEqual(
        due.records.map((r) => r.realmId),
        realms.slice(0, 32),
        "earliest first across buckets",
      );
    } finally {
      await dropPrefix(keyPrefix);
    }
  });

  test("the persistence check reads every master", async () => {
    const warnings: string[] = [];
    const store = new RedisTokenStore({
      client: c(),
      keyPrefix: `${uniqueName("intuit-cluster")}:`,
      logger: { warn: (_fields, message) => warnings.push(message) },
    });
    const persistence = await store.persistence();
    assert.equal(persistence.servers.length, 3);
    for (const s of persistence.servers) assert.match(s.server, /^127\.0\.0\.1:\d+$/);
    assert.equal(new Set(persistence.servers.map((s) => s.server)).size, 3);
    if (!process.env["INTUIT_TEST_REDIS_CLUSTER_URL"]) {
      // The private cluster runs without persistence: the warning names each master.
      assert.equal(persistence.level, "none");
      assert.equal(warnings.length, 1);
      for (const s of persistence.servers) assert.ok(warnings[0]?.includes(`${s.server}: none`));
    }
  });
});
