// Row 6: getAccessToken with a valid cached token, through TokenManager, for each store: memory,
// file, Redis and PostgreSQL. Throughput from back-to-back awaited calls; p99 from a separate pass
// that times each call (so the timer's own cost does not depress the throughput figure).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileTokenStore,
  MemoryTokenStore,
  TokenManager,
  type TokenSet,
  type TokenStore,
} from "../packages/intuit-oauth-client/src/index.js";
import { PostgresTokenStore } from "../packages/intuit-oauth-client/src/stores/postgres/token-store.js";
import { RedisTokenStore } from "../packages/intuit-oauth-client/src/stores/redis/token-store.js";
import {
  postgresUrl,
  redisUrl,
  requireOrSkip,
  uniqueName,
} from "../packages/intuit-oauth-client/test/support/services.js";
import type { BenchContext } from "./context.js";
import { ourClient } from "./fixtures.js";
import {
  alternate,
  fmt,
  opsPerSecond,
  percentile,
  summarize,
  type Contender,
  type ContenderResult,
  type Row,
} from "./stats.js";

const REALM = "9130350000000002";

function validToken(now: number): TokenSet {
  return {
    accessToken: "valid-access-token",
    refreshToken: "bench-refresh-token",
    tokenType: "bearer",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8726400,
    accessTokenExpiresAt: now + 3600 * 1000,
    refreshTokenExpiresAt: now + 8726400 * 1000,
    receivedAt: now,
    realmId: REALM,
    realmIdVerified: true, // as a proven grant is saved
  };
}

interface StoreCase {
  name: string;
  /** A store, or the reason it is not available. */
  make: () => Promise<{ store: TokenStore; cleanup: () => Promise<void> } | string>;
  latencyCalls: number;
}

function skipReason(url: string | undefined, what: string): string | false {
  try {
    return requireOrSkip(url, what);
  } catch (err) {
    return (err as Error).message;
  }
}

export async function benchGetAccessToken({ config, server }: BenchContext): Promise<Row[]> {
  const small = config.quick;
  const cases: StoreCase[] = [
    {
      name: "memory",
      latencyCalls: small ? 1000 : 20_000,
      make: async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }),
    },
    {
      name: "file",
      latencyCalls: small ? 100 : 1000,
      make: async () => {
        const dir = mkdtempSync(join(tmpdir(), "intuit-bench-file-"));
        return {
          store: new FileTokenStore({ directory: dir }),
          cleanup: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
    {
      name: "Redis",
      latencyCalls: small ? 100 : 1000,
      make: async () => {
        const url = await redisUrl();
        const skip = skipReason(url, "Redis");
        if (skip || !url) return skip || "no Redis";
        const store = new RedisTokenStore({ url, keyPrefix: `${uniqueName("bench")}:` });
        return {
          store,
          cleanup: async () => {
            await store.delete(REALM);
            await store.close();
          },
        };
      },
    },
    {
      name: "PostgreSQL",
      latencyCalls: small ? 100 : 1000,
      make: async () => {
        const url = await postgresUrl();
        const skip = skipReason(url, "PostgreSQL");
        if (skip || !url) return skip || "no PostgreSQL";
        const tableName = uniqueName("bench");
        const store = new PostgresTokenStore({ connectionString: url, tableName });
        await store.migrate();
        return {
          store,
          cleanup: async () => {
            await store.delete(REALM);
            await store.close();
            const pg = (await import("pg")).default;
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            await client.query(`DROP TABLE IF EXISTS "${tableName}", "${tableName}_locks"`);
            await client.end();
          },
        };
      },
    },
  ];

  const authClient = ourClient(server);
  const results: ContenderResult[] = [];
  const contenders: Contender[] = [];
  const p99: Record<string, number[]> = {};
  const cleanups: Array<() => Promise<void>> = [];
  const skipped = new Map<string, string>();
  try {
    for (const c of cases) {
      const made = await c.make();
      if (typeof made === "string") {
        skipped.set(c.name, made);
        continue;
      }
      cleanups.push(made.cleanup);
      const tokens = new TokenManager({ authClient, store: made.store });
      await tokens.save(REALM, validToken(Date.now()));
      if ((await tokens.getAccessToken(REALM)) !== "valid-access-token")
        throw new Error(`${c.name}: wrong token`);
      const call = () => tokens.getAccessToken(REALM);
      p99[c.name] = [];
      contenders.push({
        name: c.name,
        run: async () => {
          const ops = await opsPerSecond(call, config.runMs, c.name === "memory" ? 256 : 8);
          const lat: number[] = [];
          for (let i = 0; i < c.latencyCalls; i++) {
            const t = performance.now();
            await call();
            lat.push(performance.now() - t);
          }
          p99[c.name]?.push(percentile(lat, 99) * 1000);
          return ops;
        },
      });
    }
    const samples = await alternate(contenders, config);
    for (const c of cases) {
      const reason = skipped.get(c.name);
      if (reason) {
        results.push({ name: c.name, unit: "ops/s", skipped: reason });
        continue;
      }
      const lat = summarize((p99[c.name] ?? []).slice(-config.runs));
      results.push({
        name: c.name,
        summary: summarize(samples.get(c.name) ?? []),
        unit: "ops/s",
        extra: `p99 ${fmt(lat.median)} µs (${fmt(lat.min)}–${fmt(lat.max)})`,
      });
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
  const memory = results.find((r) => r.name === "memory")?.summary ?? summarize([]);
  const met = memory.median >= 1_000_000;
  const notes = [
    "One caller awaiting each call back to back; the token is valid for an hour, so no refresh is made. Redis and PostgreSQL are local servers on 127.0.0.1 (one round trip per call).",
  ];
  for (const [name, reason] of skipped) notes.push(`${name} not measured: ${reason}.`);
  if (!met) notes.push(`MISSED: memory store ${fmt(memory.median)} ops/s, target ≥ 1,000,000 ops/s.`);
  return [
    {
      id: "6",
      what: "getAccessToken with a valid cached token, per store (ops/s, p99)",
      contenders: results,
      ratios: [],
      target: "report ops/s and p99; memory ≥ 1M ops/s",
      met,
      notes,
      facts: Object.fromEntries(
        results.filter((r) => r.summary).map((r) => [r.name, r.summary?.median ?? NaN]),
      ),
    },
  ];
}
