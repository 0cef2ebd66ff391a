// Crash safety of the Redis and PostgreSQL stores: the store connection of a TokenManager is killed
// by the server (CLIENT KILL / pg_terminate_backend) while its refresh is in flight at the emulator.
// The lock is then released only by its lease, the next caller (a new connection) succeeds, and
// the stored refresh token is still one the emulator accepts. (FileTokenStore's SIGKILL x100 test
// lives in test/tokens/file-store.test.ts.)
import { after, test } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createClient } from "redis";
import { IntuitOAuthError, TokenManager, type TokenStore } from "../../src/index.js";
import { PostgresTokenStore } from "../../src/stores/postgres/token-store.js";
import { RedisTokenStore } from "../../src/stores/redis/token-store.js";
import { emulatorSession } from "../support/emulator-session.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
import { writeSummary } from "./summary.js";

const LEASE_MS = 2_000;
const survived: Record<string, number> = {};
after(() =>
  writeSummary("store-crash", {
    survived,
    command: "node scripts/run-tests.mjs test/reliability/store-crash",
  }),
);

interface Victim {
  /** A store on a connection that does not come back once killed. */
  store: TokenStore;
  kill(): Promise<void>;
  /** A store on a fresh connection, for the next caller. */
  fresh(): Promise<TokenStore>;
  close(): Promise<void>;
}

async function redisVictim(url: string): Promise<Victim> {
  const keyPrefix = `${uniqueName("crash")}:`;
  const victim = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: false } });
  victim.on("error", () => {});
  await victim.connect();
  const id = await victim.clientId();
  const admin = createClient({ url });
  await admin.connect();
  const others: RedisTokenStore[] = [];
  return {
    store: new RedisTokenStore({ client: victim as never, keyPrefix }),
    kill: async () => {
      assert.equal(await admin.sendCommand(["CLIENT", "KILL", "ID", String(id)]), 1);
    },
    fresh: async () => {
      const s = new RedisTokenStore({ url, keyPrefix });
      others.push(s);
      return s;
    },
    close: async () => {
      for (const s of others) await s.close();
      await admin.close();
    },
  };
}

async function postgresVictim(url: string): Promise<Victim> {
  const tableName = uniqueName("crash");
  const victim = new pg.Client({ connectionString: url });
  victim.on("error", () => {});
  await victim.connect();
  const pid = (await victim.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const store = new PostgresTokenStore({ pool: victim, tableName });
  await store.migrate();
  const others: PostgresTokenStore[] = [];
  return {
    store,
    kill: async () => {
      const r = await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend($1) AS ok", [pid]);
      assert.equal(r.rows[0]?.ok, true);
    },
    fresh: async () => {
      const s = new PostgresTokenStore({ connectionString: url, tableName });
      others.push(s);
      return s;
    },
    close: async () => {
      for (const s of others) await s.close();
      await admin.query(`DROP TABLE IF EXISTS "${tableName}", "${tableName}_locks"`);
      await admin.end();
    },
  };
}

const SERVERS: Array<[string, () => Promise<string | undefined>, (url: string) => Promise<Victim>]> = [
  ["Redis", redisUrl, redisVictim],
  ["PostgreSQL", postgresUrl, postgresVictim],
];

for (const [name, urlOf, victimOf] of SERVERS) {
  const url = await urlOf();
  test(
    `${name}: connection killed mid-refresh → lock freed by its lease, next caller succeeds, no refresh token lost`,
    { skip: requireOrSkip(url, name), timeout: 30_000 },
    async (t) => {
      const s = await emulatorSession({ rotateAfter: 0 });
      t.after(() => s.close());
      const v = await victimOf(url ?? "");
      t.after(() => v.close());
      const token = await s.connect();
      const realmId = token.realmId ?? "";
      const a = new TokenManager({ authClient: s.authClient, store: v.store, lockLeaseMs: LEASE_MS });
      await a.save(realmId, { ...token, accessTokenExpiresAt: 0 });

      // A's refresh reaches the emulator (and rotates the refresh token) only after its store died.
      s.emu.injectFault("token", { type: "delay", ms: 600 }, 1);
      const started = Date.now();
      const first = a.getAccessToken(realmId).then(
        () => assert.fail("A could not have stored its refresh"),
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      await v.kill();
      const errA = await first;
      assert.ok(errA instanceof IntuitOAuthError, `a typed error for A, got ${String(errA)}`);
      assert.equal(s.emu.counters().token >= 2, true, "A's refresh reached the emulator");

      const next = await v.fresh();
      assert.equal(await next.tryLock(realmId, LEASE_MS), undefined, "A's lock outlives A's connection");
      const b = new TokenManager({ authClient: s.authClient, store: next, lockLeaseMs: LEASE_MS });
      const accessToken = await b.getAccessToken(realmId);
      assert.ok(Date.now() - started >= LEASE_MS - 100, "B got the lock only once the lease ran out");
      assert.equal(s.emu.isAccessTokenValid(accessToken), true);

      // Nothing lost: the stored refresh token still refreshes.
      const stored = await next.get(realmId);
      assert.equal(stored?.token.accessToken, accessToken);
      const again = await s.authClient.refresh(stored?.token.refreshToken, { updateClient: false });
      assert.equal(s.emu.isAccessTokenValid(again.accessToken), true);
      survived[name] = (survived[name] ?? 0) + 1;
    },
  );
}
