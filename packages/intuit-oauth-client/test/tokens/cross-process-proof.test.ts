// The proof: 4 OS processes × 50 concurrent callers of getAccessToken on one realm, across 20
// forced expiries, against an emulator in strict rotation (every refresh rotates; an old refresh
// token is refused at once). Any double refresh would surface as invalid_grant. For the file store,
// Redis, Redis Cluster and PostgreSQL. The herd machinery is in fixtures/herd.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { createCluster } from "redis";
import { FileTokenStore, type TokenStore } from "../../src/index.js";
import { lostWrites, runHerd } from "./fixtures/herd.js";
import { postgresUrl, redisClusterUrl, redisUrl, requireOrSkip } from "../support/services.js";

const PROCESSES = 4;
const CALLERS = 50;
const EXPIRIES = 20;

async function proof(kind: string, store: TokenStore, childEnv: Record<string, string>) {
  const result = await runHerd({
    kind,
    store,
    childEnv,
    processes: PROCESSES,
    callers: CALLERS,
    expiries: EXPIRIES,
  });
  const s = result.session;
  try {
    let received = 0;
    for (const [round, children] of result.rounds.entries()) {
      received += children.flat().length;
      assert.equal(result.refused[round], 0, `round ${round}: a caller got a token the API refuses`);
      assert.equal(new Set(children.flat()).size, 1, `round ${round}: all callers share one fresh token`);
    }
    assert.deepEqual(result.errors, [], "no caller failed (in particular no invalid_grant)");
    assert.equal(result.tokenRequests, EXPIRIES, "one refresh request per expiry");
    assert.equal(received, EXPIRIES * PROCESSES);
    assert.equal(result.acked.length, EXPIRIES, "every refresh was stored");
    const stored = await store.get(result.realmId);
    assert.deepEqual(lostWrites(result, stored?.token.refreshToken), []);
  } finally {
    await s.close();
  }
}

test(`file store: ${PROCESSES} processes × ${CALLERS} callers × ${EXPIRIES} expiries, one refresh each`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "intuit-proof-"));
  try {
    await proof("file", new FileTokenStore({ directory: dir }), { PROOF_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const redis = await redisUrl();
test("redis store: the same proof", { skip: requireOrSkip(redis, "Redis") }, async () => {
  const { RedisTokenStore } = await import("../../src/stores/redis/token-store.js");
  const prefix = `proof-${randomUUID()}:`;
  const store = new RedisTokenStore({ url: redis!, keyPrefix: prefix });
  try {
    await proof("redis", store, { PROOF_URL: redis!, PROOF_PREFIX: prefix });
  } finally {
    await store.close?.();
  }
});

const cluster = await redisClusterUrl();
test("redis cluster store: the same proof", { skip: requireOrSkip(cluster, "Redis cluster") }, async () => {
  const { RedisTokenStore } = await import("../../src/stores/redis/token-store.js");
  const prefix = `proof-${randomUUID()}:`;
  const client = createCluster({ rootNodes: [{ url: cluster! }] });
  client.on("error", () => {});
  await client.connect();
  try {
    const store = new RedisTokenStore({ client, keyPrefix: prefix, logger: {} });
    await proof("redis-cluster", store, { PROOF_URL: cluster!, PROOF_PREFIX: prefix });
  } finally {
    await client.close();
  }
});

const postgres = await postgresUrl();
test("postgres store: the same proof", { skip: requireOrSkip(postgres, "PostgreSQL") }, async () => {
  const { PostgresTokenStore } = await import("../../src/stores/postgres/token-store.js");
  const table = `proof_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const store = new PostgresTokenStore({ connectionString: postgres!, tableName: table });
  try {
    await store.migrate();
    await proof("postgres", store, { PROOF_URL: postgres!, PROOF_TABLE: table });
  } finally {
    await store.close?.();
  }
});
