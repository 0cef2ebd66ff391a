// No token lost when the store's server dies: a multi-process herd (fixtures/herd.ts: 4 processes ×
// 20 callers, one realm, an expiry per round) while its private server is killed with SIGKILL twice
// and restarted on the same port and data: once right after a refresh was stored, once while a
// refresh is in flight at Intuit. Redis runs with `appendonly yes` and `appendfsync always`;
// PostgreSQL with durable commits. Callers retry store failures, as an app would; every one of them
// gets a valid token, and every acknowledged write survives (fixtures/herd.ts: lostWrites). A Redis
// without persistence is the control: the same kill loses the grant.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { PostgresTokenStore } from "../../src/stores/postgres/token-store.js";
import { RedisTokenStore } from "../../src/stores/redis/token-store.js";
import type { TokenStore } from "../../src/index.js";
import { lostWrites, runHerd, type HerdControl, type HerdResult } from "../tokens/fixtures/herd.js";
import {
  killablePostgres,
  killableRedis,
  postgresUrl,
  redisUrl,
  requireOrSkip,
  uniqueName,
  type KillableServer,
} from "../support/services.js";
import { writeSummary } from "./summary.js";

const EXPIRIES = 10;
const ACKED_THEN_KILLED = 3;
const KILLED_MID_REFRESH = 6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const summary: Record<string, unknown> = {};
after(() =>
  writeSummary("server-restart", {
    ...summary,
    command: "node scripts/run-tests.mjs test/reliability/server-restart",
  }),
);

/** Kills the server right after a refresh was stored (round 3) and while one is in flight (round 6). */
function killer(server: KillableServer) {
  return async (round: number, herd: HerdControl) => {
    if (round === ACKED_THEN_KILLED) {
      await herd.nextAck();
      await server.kill();
      await sleep(300);
      await server.start();
    } else if (round === KILLED_MID_REFRESH) {
      // The refresh reaches Intuit, whose answer comes only after the server died.
      herd.session.emu.injectFault("token", { type: "delay", ms: 500 }, 1);
      await sleep(150);
      await server.kill();
      await sleep(300);
      await server.start();
    }
  };
}

async function herdThroughRestarts(
  kind: string,
  server: KillableServer,
  store: TokenStore,
  childEnv: Record<string, string>,
): Promise<HerdResult> {
  return runHerd({
    kind,
    store,
    childEnv,
    processes: 4,
    callers: 20,
    expiries: EXPIRIES,
    // Every refresh rotates; a superseded refresh token stays usable for 24 h, as at Intuit (what
    // lets a refresh whose write never landed be made again).
    emulator: { rotateAfter: 0 },
    leaseMs: 3_000,
    retryMs: 45_000,
    during: killer(server),
  });
}

async function assertNothingLost(name: string, result: HerdResult, store: TokenStore): Promise<void> {
  const s = result.session;
  assert.deepEqual(result.errors, [], "every caller recovered");
  assert.deepEqual(result.refused, Array(EXPIRIES).fill(0), "every token a caller got works at the API");
  for (const [round, children] of result.rounds.entries())
    assert.equal(new Set(children.flat()).size, 1, `round ${round}: one token for all callers`);
  assert.ok(result.retried[KILLED_MID_REFRESH]! > 0, "the kill mid-refresh hit callers in flight");
  const stored = await store.get(result.realmId);
  assert.deepEqual(lostWrites(result, stored?.token.refreshToken), [], "no acknowledged write was lost");
  assert.equal(stored?.token.refreshToken, result.acked[result.acked.length - 1], "the last write is stored");
  // Each refresh request either was stored or was cut off by a kill (and made again).
  assert.equal(result.tokenRequests, result.refreshes.length);
  assert.ok(result.acked.length >= EXPIRIES);
  const interrupted = result.refreshes.length - result.acked.length;
  assert.ok(interrupted >= 1 && interrupted <= 2, `${interrupted} refreshes cut off by the kills`);
  // The stored grant still refreshes at Intuit.
  const again = await s.authClient.refresh(stored?.token.refreshToken, { updateClient: false });
  assert.equal(s.emu.isAccessTokenValid(again.accessToken), true);
  summary[name] = {
    rounds: EXPIRIES,
    kills: 2,
    refreshes: result.refreshes.length,
    stored: result.acked.length,
    interrupted,
    retriedByCallers: result.retried.reduce((a, b) => a + b, 0),
    lost: 0,
  };
}

const available = await redisUrl();
test(
  "Redis (appendonly yes, appendfsync always) SIGKILLed twice mid-herd and restarted: callers recover, 0 tokens lost",
  { skip: requireOrSkip(available, "redis"), timeout: 120_000 },
  async () => {
    const server = await killableRedis(["--appendonly", "yes", "--appendfsync", "always", "--save", ""]);
    const keyPrefix = `${uniqueName("restart")}:`;
    const store = new RedisTokenStore({ url: server.url, keyPrefix, requirePersistence: true });
    const result = await herdThroughRestarts("redis", server, store, {
      PROOF_URL: server.url,
      PROOF_PREFIX: keyPrefix,
    });
    try {
      await assertNothingLost("redis", result, store);
    } finally {
      await result.session.close();
      await store.close();
    }
  },
);

test(
  "control: a Redis without persistence, SIGKILLed the same way, loses the grant",
  { skip: requireOrSkip(available, "redis"), timeout: 60_000 },
  async () => {
    const server = await killableRedis(["--appendonly", "no", "--save", ""]);
    const keyPrefix = `${uniqueName("restart")}:`;
    const store = new RedisTokenStore({ url: server.url, keyPrefix, logger: {} });
    const result = await runHerd({
      kind: "redis",
      store,
      childEnv: { PROOF_URL: server.url, PROOF_PREFIX: keyPrefix },
      processes: 2,
      callers: 5,
      expiries: 2,
      emulator: { rotateAfter: 0 },
      retryMs: 10_000,
      during: async (round, herd) => {
        if (round !== 0) return;
        await herd.nextAck();
        await server.kill();
        await server.start();
      },
    });
    try {
      assert.equal(await store.get(result.realmId), undefined, "the restart lost the record");
      assert.ok(result.acked.length >= 1);
      assert.deepEqual(
        lostWrites(result, undefined),
        result.acked,
        "the witness sees every stored write lost",
      );
      assert.ok(
        result.errors.some((e) => e.startsWith("TokenNotFoundError")),
        "callers after the restart find no tokens",
      );
    } finally {
      await result.session.close();
      await store.close();
    }
  },
);

const pgAvailable = await postgresUrl();
test(
  "PostgreSQL (durable commits) whose postmaster is SIGKILLed twice mid-herd and restarted: callers recover, 0 tokens lost",
  { skip: requireOrSkip(pgAvailable, "postgres"), timeout: 180_000 },
  async () => {
    const server = await killablePostgres();
    const tableName = uniqueName("restart");
    const store = new PostgresTokenStore({ connectionString: server.url, tableName });
    await store.migrate();
    const result = await herdThroughRestarts("postgres", server, store, {
      PROOF_URL: server.url,
      PROOF_TABLE: tableName,
    });
    try {
      await assertNothingLost("postgres", result, store);
    } finally {
      await result.session.close();
      await store.close();
    }
  },
);
