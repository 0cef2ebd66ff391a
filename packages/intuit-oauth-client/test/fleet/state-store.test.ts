// The StateStore kinds behave alike (memory, file, Redis, PostgreSQL): a key is consumed once until
// it expires or is released; and AuthClient's `stateStore` refuses a reused state or code before any
// token request, across clients (servers) sharing the store. Single process; the multi-process
// proofs are callback-fleet.test.ts and webhook-fleet.test.ts.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  AuthClient,
  CallbackError,
  ConfigurationError,
  FileStateStore,
  MemoryStateStore,
  Scopes,
  type StateStore,
} from "../../src/index.js";
import { emulatorSession } from "../support/emulator-session.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const services = { redis: await redisUrl(), postgres: await postgresUrl() };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

type Closable = StateStore & { close?(): Promise<void> };
const kinds: Array<{ name: string; skip: string | false; make: () => Promise<Closable> }> = [
  { name: "memory", skip: false, make: async () => new MemoryStateStore() },
  {
    name: "file",
    skip: false,
    make: async () => {
      const directory = mkdtempSync(join(tmpdir(), "intuit-state-"));
      dirs.push(directory);
      return new FileStateStore({ directory });
    },
  },
  {
    name: "redis",
    skip: requireOrSkip(services.redis, "redis"),
    make: async () => {
      const { RedisStateStore } = await import("../../src/redis.js");
      return new RedisStateStore({ url: services.redis!, keyPrefix: `${uniqueName("st")}:` });
    },
  },
  {
    name: "postgres",
    skip: requireOrSkip(services.postgres, "postgres"),
    make: async () => {
      const { PostgresStateStore } = await import("../../src/postgres.js");
      const store = new PostgresStateStore({
        connectionString: services.postgres!,
        tableName: uniqueName("st"),
      });
      await store.migrate();
      return store;
    },
  },
];

for (const kind of kinds) {
  describe(`${kind.name} StateStore`, { skip: kind.skip }, () => {
    test("a key is consumed once; later calls see it; a key given twice is seen the second time", async () => {
      const store = await kind.make();
      try {
        assert.deepEqual(await store.consume(["a", "b"], 60_000), []);
        assert.deepEqual(await store.consume(["b", "c"], 60_000), ["b"]);
        assert.deepEqual(await store.consume(["c", "c"], 60_000), ["c", "c"]);
        assert.deepEqual(await store.consume(["d", "d"], 60_000), ["d"]);
        assert.deepEqual(await store.consume([], 60_000), []);
      } finally {
        await store.close?.();
      }
    });

    test("release makes a key consumable again; expiry does too", async () => {
      const store = await kind.make();
      try {
        assert.deepEqual(await store.consume(["r", "x"], 60_000), []);
        await store.release(["r"]);
        assert.deepEqual(await store.consume(["r", "x"], 60_000), ["x"]);
        assert.deepEqual(await store.consume(["short"], 30), []);
        await delay(120);
        assert.deepEqual(await store.consume(["short"], 60_000), [], "expired, so consumable again");
        assert.deepEqual(await store.consume(["short"], 60_000), ["short"]);
      } finally {
        await store.close?.();
      }
    });

    test("bad keys and TTLs are ConfigurationErrors", async () => {
      const store = await kind.make();
      try {
        await assert.rejects(store.consume([""], 1000), ConfigurationError);
        await assert.rejects(store.consume(["k"], 0), ConfigurationError);
        await assert.rejects(store.consume(["x".repeat(513)], 1000), ConfigurationError);
      } finally {
        await store.close?.();
      }
    });
  });
}

test("FileStateStore keeps only hashes of keys, and sweep() removes expired ones", async () => {
  const directory = mkdtempSync(join(tmpdir(), "intuit-state-"));
  dirs.push(directory);
  const store = new FileStateStore({ directory });
  await store.consume(["callback-state:the-secret-state"], 30);
  await store.consume(["kept"], 60_000);
  const names = readdirSync(directory);
  assert.equal(names.length, 2);
  for (const name of names) {
    assert.match(name, /^[A-Za-z0-9_-]{43}$/);
    assert.doesNotMatch(readFileSync(join(directory, name), "utf8"), /secret/);
  }
  await delay(80);
  await store.sweep();
  assert.equal(readdirSync(directory).length, 1);
});

test("FileStateStore: an empty file (a claim whose writer died) holds while young, and expires after a minute", async () => {
  const directory = mkdtempSync(join(tmpdir(), "intuit-state-"));
  dirs.push(directory);
  const store = new FileStateStore({ directory });
  assert.deepEqual(await store.consume(["orphan", "swept"], 60_000), []);
  const [a, b] = readdirSync(directory).map((name) => join(directory, name));
  for (const path of [a, b] as string[]) truncateSync(path, 0);
  // Young: it may be a write in progress, so the key stays taken.
  assert.deepEqual(await store.consume(["orphan"], 60_000), ["orphan"]);
  await store.sweep();
  assert.equal(readdirSync(directory).length, 2);
  const old = new Date(Date.now() - 120_000);
  for (const path of [a, b] as string[]) utimesSync(path, old, old);
  // Old: the writer is gone. The key can be claimed again, and sweep() removes the other one.
  assert.deepEqual(await store.consume(["orphan"], 60_000), []);
  await store.sweep();
  assert.equal(readdirSync(directory).length, 1);
  assert.deepEqual(await store.consume(["orphan"], 60_000), ["orphan"]);
});

test("an unreachable Redis is a SharedStoreError (ERR_SHARED_STORE)", async () => {
  const { RedisStateStore } = await import("../../src/redis.js");
  const store = new RedisStateStore({ url: "redis://127.0.0.1:1" });
  await assert.rejects(store.consume(["k"], 1000), (e: Error & { code?: string }) => {
    assert.equal(e.code, "ERR_SHARED_STORE");
    return true;
  });
  await store.close();
});

describe("AuthClient with a stateStore", () => {
  async function twoServers(store: StateStore) {
    const s = await emulatorSession();
    const server = (): Promise<AuthClient> =>
      AuthClient.create({
        clientId: s.emu.defaultClient.clientId,
        clientSecret: s.emu.defaultClient.clientSecret,
        redirectUri: s.emu.defaultClient.redirectUri,
        environment: s.emu.discoveryUrl,
        stateStore: store,
      });
    const request = s.authClient.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
    const res = await fetch(request.url, { redirect: "manual" });
    const location = res.headers.get("location")!;
    return { s, a: await server(), b: await server(), request, location };
  }

  function reason(expected: string) {
    return (e: unknown) => {
      assert.ok(e instanceof CallbackError, String(e));
      assert.equal(e.reason, expected);
      return true;
    };
  }

  test("a state used on one server is refused on another: no token request", async () => {
    const { s, a, b, request, location } = await twoServers(new MemoryStateStore());
    try {
      const before = s.emu.counters().token;
      const token = await a.handleCallback(location, { expectedState: request.state, updateClient: false });
      assert.match(token.accessToken, /./);
      await assert.rejects(
        b.handleCallback(location, { expectedState: request.state }),
        reason("state_reused"),
      );
      assert.equal(s.emu.counters().token - before, 1);
    } finally {
      await s.close();
    }
  });

  test("a code replayed under a fresh state is code_reused; getBearerToken too", async () => {
    const { s, a, b, request, location } = await twoServers(new MemoryStateStore());
    try {
      const before = s.emu.counters().token;
      await a.handleCallback(location, { expectedState: request.state, updateClient: false });
      const replay = new URL(location);
      replay.searchParams.set("state", "a-brand-new-state-the-attacker-chose");
      await assert.rejects(
        b.handleCallback(replay.href, { expectedState: "a-brand-new-state-the-attacker-chose" }),
        reason("code_reused"),
      );
      await assert.rejects(b.getBearerToken(replay.searchParams.get("code")!), reason("code_reused"));
      assert.equal(s.emu.counters().token - before, 1);
    } finally {
      await s.close();
    }
  });

  test("a failing store refuses the callback (SharedStoreError) and sends nothing", async () => {
    const failing: StateStore = {
      consume: async () => {
        const { SharedStoreError } = await import("../../src/index.js");
        throw new SharedStoreError("Redis: consume failed: connection refused");
      },
      release: async () => {},
    };
    const { s, a, request, location } = await twoServers(failing);
    try {
      const before = s.emu.counters().token;
      await assert.rejects(a.handleCallback(location, { expectedState: request.state }), {
        code: "ERR_SHARED_STORE",
      });
      assert.equal(s.emu.counters().token - before, 0);
    } finally {
      await s.close();
    }
  });

  test(
    "Redis holds hashes, never the state or the code",
    { skip: requireOrSkip(services.redis, "redis") },
    async () => {
      const { RedisStateStore } = await import("../../src/redis.js");
      const prefix = `${uniqueName("st")}:`;
      const store = new RedisStateStore({ url: services.redis!, keyPrefix: prefix });
      const { s, a, request, location } = await twoServers(store);
      try {
        await a.handleCallback(location, { expectedState: request.state, updateClient: false });
        const { createClient } = await import("redis");
        const client = createClient({ url: services.redis! });
        await client.connect();
        const keys = (await client.sendCommand(["KEYS", `${prefix}*`])) as string[];
        await client.close();
        assert.equal(keys.length, 2);
        const code = new URL(location).searchParams.get("code")!;
        for (const key of keys) {
          assert.ok(!key.includes(request.state) && !key.includes(code), key);
          assert.match(key, /^.*callback-(state|code):[A-Za-z0-9_-]{43}$/);
        }
      } finally {
        await store.close();
        await s.close();
      }
    },
  );

  test("stateTtlMs must be a positive integer", () => {
    assert.throws(
      () =>
        new AuthClient({
          clientId: "id",
          clientSecret: "secret",
          redirectUri: "https://app.example.com/callback",
          environment: "sandbox",
          stateTtlMs: 0,
        }),
      ConfigurationError,
    );
  });
});
