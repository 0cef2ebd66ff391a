// RedisTokenStore's persistence check at first use, against private servers of each kind: with the
// append-only file on it stays quiet; with snapshots only or nothing it warns once through the
// logger; with CONFIG disabled it asks INFO; with both disabled it says it cannot tell; and
// `requirePersistence: true` refuses (RedisPersistenceError) without reading or writing anything.
// A server that may evict keys (any policy but noeviction: records, and refresh locks, whose lease
// is a TTL) is refused unless `allowEviction: true`, as RedisStateStore does.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createClient } from "redis";
import { RedisPersistenceError, RedisTokenStore } from "../../src/stores/redis/token-store.js";
import { minimalRecord } from "../../src/testing/index.js";
import { killableRedis, redisUrl, requireOrSkip, type KillableServer } from "../support/services.js";

const skip = requireOrSkip(await redisUrl(), "redis");
// Each server stops when this process exits (its control pipe closes).
const server = (args: string[]): Promise<KillableServer> => killableRedis(args);

function recordingLogger() {
  const warnings: Array<{ fields: Record<string, unknown>; message: string }> = [];
  return {
    warnings,
    logger: {
      warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }),
    },
  };
}

async function keyCount(url: string): Promise<number> {
  const c = createClient({ url });
  await c.connect();
  try {
    return await c.dbSize();
  } finally {
    await c.close();
  }
}

describe("RedisTokenStore persistence check", { skip }, () => {
  test("appendonly yes: no warning; persistence() reports aof and the fsync policy", async () => {
    const s = await server(["--appendonly", "yes", "--appendfsync", "always", "--save", ""]);
    const { warnings, logger } = recordingLogger();
    const store = new RedisTokenStore({ url: s.url, logger, requirePersistence: true });
    try {
      await store.set(minimalRecord("4620816361"));
      assert.deepEqual(await store.get("4620816361"), minimalRecord("4620816361"));
      assert.deepEqual(warnings, []);
      assert.deepEqual(await store.persistence(), {
        level: "aof",
        servers: [
          { server: "server", level: "aof", appendfsync: "always", save: "", maxmemoryPolicy: "noeviction" },
        ],
      });
    } finally {
      await store.close();
    }
  });

  test("no persistence: one warning through the logger at first use, then the store works", async () => {
    const s = await server(["--appendonly", "no", "--save", ""]);
    const { warnings, logger } = recordingLogger();
    const store = new RedisTokenStore({ url: s.url, logger });
    try {
      assert.equal(await store.get("4620816361"), undefined);
      await store.set(minimalRecord("4620816361"));
      await store.list();
      assert.equal(warnings.length, 1, "warned once");
      assert.match(
        warnings[0]?.message ?? "",
        /^intuit-oauth-client: Redis has no persistence \(appendonly no, save ''\): a restart loses every refresh token\. Turn on appendonly yes/,
      );
      assert.deepEqual(warnings[0]?.fields, { servers: ["server: none"] });
      assert.equal((await store.persistence()).level, "none");
    } finally {
      await store.close();
    }
  });

  test("snapshots only: warns that a crash loses what was written since the last snapshot", async () => {
    const s = await server(["--appendonly", "no", "--save", "3600 1"]);
    const { warnings, logger } = recordingLogger();
    const store = new RedisTokenStore({ url: s.url, logger });
    try {
      await store.get("4620816361");
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0]?.message ?? "",
        /keeps only RDB snapshots: a crash loses every token written since the last snapshot/,
      );
      assert.deepEqual((await store.persistence()).servers, [
        { server: "server", level: "snapshots", save: "3600 1", maxmemoryPolicy: "noeviction" },
      ]);
    } finally {
      await store.close();
    }
  });

  test("requirePersistence: true refuses a server without the append-only file, and writes nothing", async () => {
    const s = await server(["--appendonly", "no", "--save", "3600 1"]);
    const store = new RedisTokenStore({ url: s.url, requirePersistence: true });
    try {
      for (const attempt of [
        () => store.set(minimalRecord("4620816361")),
        () => store.get("4620816361"),
        () => store.tryLock("4620816361", 1000),
      ])
        await assert.rejects(attempt(), (e: Error) => {
          assert.ok(e instanceof RedisPersistenceError);
          assert.equal(e.name, "RedisPersistenceError");
          assert.equal((e as RedisPersistenceError).code, "ERR_REDIS_PERSISTENCE");
          assert.equal((e as RedisPersistenceError).persistence.level, "snapshots");
          assert.match(e.message, /Refused: requirePersistence is set$/);
          return true;
        });
      assert.equal(await keyCount(s.url), 0, "nothing was written");
    } finally {
      await store.close();
    }
  });

  test("a maxmemory-policy that may evict (allkeys-*, volatile-*) is refused before anything is written, unless allowEviction", async () => {
    for (const policy of ["allkeys-lru", "volatile-lru", "volatile-ttl"]) {
      const s = await server(["--appendonly", "yes", "--maxmemory-policy", policy]);
      const { warnings, logger } = recordingLogger();
      const store = new RedisTokenStore({ url: s.url, logger });
      const allowed = new RedisTokenStore({ url: s.url, logger, allowEviction: true });
      try {
        for (const attempt of [
          () => store.set(minimalRecord("4620816361")),
          () => store.get("4620816361"),
          () => store.tryLock("4620816361", 1000),
        ])
          await assert.rejects(attempt(), (e: Error) => {
            assert.ok(e instanceof RedisPersistenceError, policy);
            assert.equal((e as RedisPersistenceError).code, "ERR_REDIS_PERSISTENCE");
            assert.equal((e as RedisPersistenceError).persistence.servers[0]?.maxmemoryPolicy, policy);
            assert.match(
              e.message,
              new RegExp(`^RedisTokenStore: Redis evicts \\(maxmemory-policy ${policy}\\)`),
            );
            assert.match(e.message, /a token record \(a lost grant\) or a refresh lock/);
            assert.match(e.message, /set maxmemory-policy noeviction, or pass `allowEviction: true`/);
            return true;
          });
        assert.equal(await keyCount(s.url), 0, `${policy}: nothing written`);
        await allowed.set(minimalRecord("4620816361"));
        assert.deepEqual(
          await allowed.get("4620816361"),
          minimalRecord("4620816361"),
          `${policy}: allowed on request`,
        );
        assert.deepEqual(warnings, [], "the AOF is on: nothing to warn about");
      } finally {
        await store.close();
        await allowed.close();
      }
    }
  });

  test("CONFIG disabled: INFO persistence tells whether the append-only file is on", async () => {
    const on = await server(["--appendonly", "yes", "--rename-command", "CONFIG", ""]);
    const off = await server(["--appendonly", "no", "--rename-command", "CONFIG", ""]);
    const quiet = recordingLogger();
    const loud = recordingLogger();
    const a = new RedisTokenStore({ url: on.url, logger: quiet.logger, requirePersistence: true });
    const b = new RedisTokenStore({ url: off.url, logger: loud.logger });
    try {
      await a.set(minimalRecord("4620816361"));
      assert.deepEqual(quiet.warnings, []);
      assert.deepEqual(await a.persistence(), {
        level: "aof",
        servers: [{ server: "server", level: "aof", maxmemoryPolicy: "noeviction" }],
      });
      await b.get("4620816361");
      assert.equal(loud.warnings.length, 1);
      assert.match(loud.warnings[0]?.message ?? "", /has no append-only file/);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test("CONFIG and INFO disabled: the eviction policy is unknown (refused unless allowEviction); the store warns it cannot tell, and requirePersistence refuses", async () => {
    const s = await server([
      "--appendonly",
      "yes",
      "--rename-command",
      "CONFIG",
      "",
      "--rename-command",
      "INFO",
      "",
    ]);
    const { warnings, logger } = recordingLogger();
    const refused = new RedisTokenStore({ url: s.url, logger });
    const lenient = new RedisTokenStore({ url: s.url, logger, allowEviction: true });
    const strict = new RedisTokenStore({ url: s.url, requirePersistence: true, allowEviction: true });
    try {
      await assert.rejects(refused.get("4620816361"), (e: Error) => {
        assert.equal(e.name, "RedisPersistenceError");
        assert.match(e.message, /Redis refused CONFIG GET and INFO, so it may evict the store's keys/);
        return true;
      });
      await lenient.set(minimalRecord("4620816361"));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]?.message ?? "", /refused CONFIG GET and INFO, so its persistence is unknown/);
      await assert.rejects(strict.get("4620816361"), {
        name: "RedisPersistenceError",
        code: "ERR_REDIS_PERSISTENCE",
      });
    } finally {
      await refused.close();
      await lenient.close();
      await strict.close();
    }
  });

  test("without a logger, the warning is a process warning, emitted once per process", async () => {
    const s = await server(["--appendonly", "no", "--save", ""]);
    const seen: Error[] = [];
    const listener = (w: Error) => {
      if ((w as { code?: string }).code === "INTUIT_OAUTH_REDIS_NOT_PERSISTENT") seen.push(w);
    };
    process.on("warning", listener);
    const stores = [new RedisTokenStore({ url: s.url }), new RedisTokenStore({ url: s.url })];
    try {
      for (const store of stores) await store.get("4620816361");
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.name, "IntuitOAuthWarning");
    } finally {
      process.off("warning", listener);
      for (const store of stores) await store.close();
    }
  });
});
