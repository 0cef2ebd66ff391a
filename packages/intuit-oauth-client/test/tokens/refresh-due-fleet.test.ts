// refreshDue across a fleet: 4 OS processes run TokenManager.refreshDue() at the same moment on one
// shared store (file, Redis, Redis Cluster, PostgreSQL: each through its listDue index) holding 60
// grants, of which 20 are due, 3 have a refresh token that expired unnoticed and 4 are already
// marked dead. Against an emulator in strict rotation, a realm refreshed twice would be invalid_grant.
// Every due realm is refreshed exactly once, nothing else is touched, and each newly dead grant is
// marked exactly once across the fleet.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createCluster } from "redis";
import { FileTokenStore, TokenManager, type TokenSet, type TokenStore } from "../../src/index.js";
import { emulatorSession } from "../support/emulator-session.js";
import { postgresUrl, redisClusterUrl, redisUrl, requireOrSkip } from "../support/services.js";
import { forkChildren, once, stopChildren } from "./fixtures/herd.js";

const PROCESSES = 4;
const GRANTS = 60;
const DUE = 20;
const UNNOTICED = 3;
const MARKED = 4;

interface DueDone {
  refreshed: string[];
  reauthorizationRequired: string[];
  failed: string[];
}

async function fleet(kind: string, store: TokenStore, childEnv: Record<string, string>) {
  const s = await emulatorSession({ rotateAfter: 0, graceAfterRotation: 0 });
  try {
    const tokens = new TokenManager({ authClient: s.authClient, store });
    const now = s.emu.clock.now();
    const saved = new Map<string, TokenSet>();
    for (let i = 0; i < GRANTS; i++) {
      const token = await s.connect();
      const realmId = `${token.realmId}${String(i).padStart(2, "0")}`;
      // Grants of the emulator's one company, stored as realms of their own.
      const stored: TokenSet = { ...token, realmId: undefined, realmIdVerified: undefined };
      if (i < DUE) stored.accessTokenExpiresAt = now - 1000;
      else if (i < DUE + UNNOTICED) stored.refreshTokenExpiresAt = stored.accessTokenExpiresAt = now - 1000;
      await tokens.save(realmId, stored, { allowUnverifiedRealm: true });
      if (i >= DUE + UNNOTICED && i < DUE + UNNOTICED + MARKED) {
        const record = await store.get(realmId);
        await store.set({ ...record!, reauthorization: { reason: "invalid_grant", at: now } });
      }
      saved.set(realmId, (await store.get(realmId))!.token);
    }
    const realms = [...saved.keys()];
    const due = realms.slice(0, DUE);
    const unnoticed = realms.slice(DUE, DUE + UNNOTICED);

    const children = forkChildren(s, kind, childEnv, PROCESSES);
    const presented: string[] = [];
    const marked: string[] = [];
    for (const c of children)
      c.on("message", (m: { type: string; presented?: string; realmId?: string }) => {
        if (m.type === "issued") presented.push(m.presented ?? "");
        if (m.type === "reauthorizationRequired") marked.push(m.realmId ?? "");
      });
    try {
      await Promise.all(children.map((c) => once(c, "ready")));
      s.emu.resetCounters();
      const results = await Promise.all(
        children.map((c) => {
          const done = once<DueDone>(c, "dueDone");
          c.send({ type: "refreshDue" });
          return done;
        }),
      );
      assert.deepEqual(
        results.flatMap((r) => r.failed),
        [],
        "no failure (in particular no invalid_grant)",
      );
      assert.equal(s.emu.counters().token, DUE, "one refresh request per due realm, across the fleet");
      assert.deepEqual(
        [...presented].sort(),
        due.map((r) => saved.get(r)!.refreshToken).sort(),
        "each due realm's refresh token presented exactly once",
      );
      // Every due realm is reported refreshed by someone (a process that found it already
      // refreshed by another reports it too: its token is fresh either way).
      assert.deepEqual([...new Set(results.flatMap((r) => r.refreshed))].sort(), [...due].sort());
      assert.deepEqual(
        [...marked].sort(),
        [...unnoticed].sort(),
        "each newly dead grant marked exactly once",
      );
      for (const realmId of realms) {
        const record = await store.get(realmId);
        const before = saved.get(realmId)!;
        if (due.includes(realmId)) {
          assert.notEqual(record?.token.accessToken, before.accessToken, `${realmId} refreshed`);
          assert.equal(s.emu.isAccessTokenValid(record?.token.accessToken ?? ""), true);
          assert.ok((record?.token.accessTokenExpiresAt ?? 0) > now);
        } else assert.equal(record?.token.accessToken, before.accessToken, `${realmId} untouched`);
        if (unnoticed.includes(realmId))
          assert.equal(record?.reauthorization?.reason, "refresh_token_expired");
      }
      // Nothing is due any more, in the index either.
      assert.deepEqual((await store.listDue!(now + 60_000, 100)).records, []);
    } finally {
      await stopChildren(children);
    }
  } finally {
    await s.close();
  }
}

test(`file store: ${PROCESSES} processes run refreshDue at once; each due realm refreshed once`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "intuit-due-fleet-"));
  try {
    await fleet("file", new FileTokenStore({ directory: dir }), { PROOF_DIR: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const redis = await redisUrl();
test("redis store: the same", { skip: requireOrSkip(redis, "Redis") }, async () => {
  const { RedisTokenStore } = await import("../../src/stores/redis/token-store.js");
  const prefix = `due-${randomUUID()}:`;
  const store = new RedisTokenStore({ url: redis!, keyPrefix: prefix, logger: {} });
  try {
    await fleet("redis", store, { PROOF_URL: redis!, PROOF_PREFIX: prefix });
  } finally {
    await store.close();
  }
});

const cluster = await redisClusterUrl();
test("redis cluster store: the same", { skip: requireOrSkip(cluster, "Redis cluster") }, async () => {
  const { RedisTokenStore } = await import("../../src/stores/redis/token-store.js");
  const prefix = `due-${randomUUID()}:`;
  const client = createCluster({ rootNodes: [{ url: cluster! }] });
  client.on("error", () => {});
  await client.connect();
  try {
    await fleet("redis-cluster", new RedisTokenStore({ client, keyPrefix: prefix, logger: {} }), {
      PROOF_URL: cluster!,
      PROOF_PREFIX: prefix,
    });
  } finally {
    await client.close();
  }
});

const postgres = await postgresUrl();
test("postgres store: the same", { skip: requireOrSkip(postgres, "PostgreSQL") }, async () => {
  const { PostgresTokenStore } = await import("../../src/stores/postgres/token-store.js");
  const table = `due_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const store = new PostgresTokenStore({ connectionString: postgres!, tableName: table });
  try {
    await store.migrate();
    await fleet("postgres", store, { PROOF_URL: postgres!, PROOF_TABLE: table });
  } finally {
    await store.close();
  }
});
