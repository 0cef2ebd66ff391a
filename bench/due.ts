// Row 12: refresh work grows with what is due, not with what is stored. On Redis and on PostgreSQL,
// refreshDue(60 s) with 1,000 realms due, once with 1,000 realms stored and once with 100,000 (1%
// due), each run in a child process (bench/due-child.ts) so its peak RSS is measured alone; the
// list() fallback at 100,000 is measured once for comparison. Tokens go to the loopback server.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createClient } from "redis";
import { type TokenRecord } from "../packages/intuit-oauth-client/src/index.js";
import { serializeRecord } from "../packages/intuit-oauth-client/src/store-kit.js";
import { PostgresTokenStore } from "../packages/intuit-oauth-client/src/stores/postgres/token-store.js";
import {
  REDIS_BUCKETS,
  RedisTokenStore,
  redisTokenStoreKeys,
} from "../packages/intuit-oauth-client/src/stores/redis/token-store.js";
import { bucketKeys } from "../packages/intuit-oauth-client/src/stores/redis/keys.js";
import {
  postgresUrl,
  redisUrl,
  requireOrSkip,
  uniqueName,
} from "../packages/intuit-oauth-client/test/support/services.js";
import type { BenchContext } from "./context.js";
import { alternate, fmt, pairedRatio, summarize, type ContenderResult, type Row } from "./stats.js";

const CHILD = fileURLToPath(new URL("./due-child.ts", import.meta.url));
const MIB = 1024 * 1024;
const MINUTE = 60_000;

interface ChildResult {
  ms: number;
  refreshed: number;
  failed: number;
  reauthorization: number;
  rssBefore: number;
  peakRss: number;
}

const count = (n: number) => n.toLocaleString("en-US");
const realm = (i: number) => `91303500${String(i).padStart(8, "0")}`;

function record(realmId: string, accessTokenExpiresAt: number, now: number): TokenRecord {
  return {
    realmId,
    token: {
      accessToken: `access-${realmId}`,
      refreshToken: `refresh-${realmId}`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8_726_400,
      accessTokenExpiresAt,
      refreshTokenExpiresAt: now + 8_726_400_000,
      receivedAt: now - 3_540_000,
      realmId,
    },
    updatedAt: now,
  };
}

/** The records of a namespace: the first `due` expire at once, the rest in 50 minutes. */
function records(from: number, to: number, due: number, now: number): TokenRecord[] {
  const out: TokenRecord[] = [];
  for (let i = from; i < to; i++)
    out.push(record(realm(i), i < due ? now - 1000 - (i % 30_000) : now + 50 * MINUTE + (i % 60_000), now));
  return out;
}

/** How one backend is seeded, measured and cleaned up. */
interface Backend {
  name: string;
  url: string;
  /** Writes records (new or replacing) fast: pipelined or multi-row. */
  write(namespace: string, recs: TokenRecord[]): Promise<void>;
  drop(namespace: string): Promise<void>;
  close(): Promise<void>;
}

async function redisBackend(url: string): Promise<Backend> {
  const raw = createClient({ url });
  raw.on("error", () => {});
  await raw.connect();
  const stores = new Map<string, RedisTokenStore>();
  const storeOf = (ns: string) => {
    let s = stores.get(ns);
    if (!s) stores.set(ns, (s = new RedisTokenStore({ url, keyPrefix: ns, logger: {} })));
    return s;
  };
  return {
    name: "Redis",
    url,
    // The store's own writes (one script each, so the indexes are right), 1,000 in flight:
    // node-redis pipelines them.
    async write(ns, recs) {
      const store = storeOf(ns);
      for (let i = 0; i < recs.length; i += 1000)
        await Promise.all(recs.slice(i, i + 1000).map((r) => store.set(r)));
    },
    async drop(ns) {
      for (let b = 0; b < REDIS_BUCKETS; b++) {
        const keys = bucketKeys(ns, b);
        const members = await raw.zRange(keys.realms, 0, -1);
        for (let i = 0; i < members.length; i += 1000)
          await raw.unlink(members.slice(i, i + 1000).map((m) => redisTokenStoreKeys(m, ns).record));
        await raw.unlink([keys.realms, keys.due]);
      }
    },
    async close() {
      for (const s of stores.values()) await s.close();
      await raw.close();
    },
  };
}

async function postgresBackend(url: string): Promise<Backend> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  return {
    name: "PostgreSQL",
    url,
    // Multi-row upserts of 5,000, with the expiry column the store maintains.
    async write(table, recs) {
      for (let i = 0; i < recs.length; i += 5000) {
        const chunk = recs.slice(i, i + 5000);
        await pool.query(
          `INSERT INTO "${table}" (realm_id, record, access_token_expires_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
           ON CONFLICT (realm_id) DO UPDATE SET record = EXCLUDED.record,
             access_token_expires_at = EXCLUDED.access_token_expires_at, updated_at = now()`,
          [
            chunk.map((r) => r.realmId),
            chunk.map(serializeRecord),
            chunk.map((r) => r.token.accessTokenExpiresAt),
          ],
        );
      }
      await pool.query(`ANALYZE "${table}"`);
    },
    async drop(table) {
      await pool.query(`DROP TABLE IF EXISTS "${table}", "${table}_locks"`);
    },
    close: () => pool.end(),
  };
}

function runChild(
  backend: Backend,
  namespace: string,
  origin: string,
  fallback: boolean,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: ["--import", "tsx"],
      env: {
        ...process.env,
        DUE_BACKEND: backend.name === "Redis" ? "redis" : "postgres",
        DUE_URL: backend.url,
        DUE_NAMESPACE: namespace,
        DUE_TOKEN_ORIGIN: origin,
        DUE_FALLBACK: fallback ? "1" : "0",
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: ChildResult | undefined;
    child.once("message", (m) => (result = m as ChildResult));
    child.once("error", reject);
    child.once("exit", (code) =>
      result ? resolve(result) : reject(new Error(`due-child exited with ${code} before reporting`)),
    );
  });
}

async function benchBackend(ctx: BenchContext, backend: Backend, id: string): Promise<Row> {
  const quick = ctx.config.quick;
  const due = quick ? 20 : 1_000;
  const big = quick ? 2_000 : 100_000;
  const small = due;
  const now = Date.now();
  const ns = (what: string) =>
    backend.name === "Redis" ? `${uniqueName(`bench-due-${what}`)}:` : uniqueName(`bench_due_${what}`);
  const smallNs = ns("small");
  const bigNs = ns("big");
  if (backend.name === "PostgreSQL")
    for (const table of [smallNs, bigNs])
      await new PostgresTokenStore({ connectionString: backend.url, tableName: table }).migrate();
  try {
    const seedStart = performance.now();
    await backend.write(bigNs, records(0, big, due, now));
    const seedMs = performance.now() - seedStart;
    await backend.write(smallNs, records(0, small, due, now));
    const runs = quick ? { runs: 1, warmup: 0 } : { runs: 3, warmup: 1 };
    const results = new Map<string, ChildResult[]>([
      ["small", []],
      ["big", []],
    ]);
    const measure = (which: "small" | "big") => async () => {
      const namespace = which === "small" ? smallNs : bigNs;
      await backend.write(namespace, records(0, due, due, Date.now())); // the same 1,000 due again
      await ctx.server.reset(0);
      const r = await runChild(backend, namespace, ctx.server.origin, false);
      results.get(which)?.push(r);
      return r.ms;
    };
    const samples = await alternate(
      [
        { name: "small", run: measure("small") },
        { name: "big", run: measure("big") },
      ],
      runs,
    );
    // For comparison: the same 100,000 through list() (what a store without listDue costs).
    await backend.write(bigNs, records(0, due, due, Date.now()));
    const fallback = await runChild(backend, bigNs, ctx.server.origin, true);

    const of = (which: string) => (results.get(which) ?? []).slice(-runs.runs);
    const smallRuns = of("small");
    const bigRuns = of("big");
    const wall = (rs: ChildResult[]) => summarize(rs.map((r) => r.ms));
    const peak = (rs: ChildResult[]) => summarize(rs.map((r) => r.peakRss / MIB));
    const ratio = pairedRatio(
      samples.get("big")?.slice(-runs.runs) ?? [],
      samples.get("small")?.slice(-runs.runs) ?? [],
    );
    const rssGrowth = peak(bigRuns).median - peak(smallRuns).median;
    const allDone = [...smallRuns, ...bigRuns].every(
      (r) => r.refreshed === due && r.failed === 0 && r.reauthorization === 0,
    );
    const met = allDone && ratio.median <= 2 && rssGrowth <= 64;
    const contender = (name: string, rs: ChildResult[]): ContenderResult => ({
      name,
      summary: wall(rs),
      unit: "ms",
      extra: `peak RSS ${fmt(peak(rs).median)} MiB`,
    });
    const notes = [
      `${count(due)} realms due (access tokens already expired), refreshDue(60 s) with maxConcurrentRefreshes 32 against the loopback token endpoint (no delay). Stored: ${count(small)} (all due) or ${count(big)} (${fmt((due / big) * 100)}% due; the rest expire in 50 minutes). Seeding ${count(big)} records took ${fmt(seedMs / 1000)} s (${backend.name === "Redis" ? "the store's own writes, 1,000 in flight, pipelined by node-redis" : "multi-row INSERTs of 5,000"}).`,
      `Each run is a fresh child process (bench/due-child.ts); peak RSS is its lifetime peak (getrusage maxRSS), so the ${count(small)}-realm run is the baseline: ${fmt(peak(smallRuns).median)} MiB, against ${fmt(peak(bigRuns).median)} MiB with ${count(big)} stored (${rssGrowth >= 0 ? "+" : ""}${fmt(rssGrowth)} MiB).`,
      `For comparison, the list() fallback (a store without listDue) with ${count(big)} stored: ${fmt(fallback.ms)} ms, peak RSS ${fmt(fallback.peakRss / MIB)} MiB (one run; ${fallback.refreshed} refreshed).`,
    ];
    if (!allDone) notes.push(`MISSED: not every run refreshed exactly the ${due} due realms without errors.`);
    if (ratio.median > 2)
      notes.push(
        `MISSED: ${count(big)} stored took ${ratio.median.toFixed(2)}× the time of ${count(small)}, target ≤ 2×.`,
      );
    if (rssGrowth > 64) notes.push(`MISSED: peak RSS grew ${fmt(rssGrowth)} MiB, target ≤ 64 MiB.`);
    return {
      id,
      what: `refreshDue with ${count(due)} due: ${count(big)} realms stored vs ${count(small)}, ${backend.name}`,
      contenders: [
        contender(`${count(small)} stored`, smallRuns),
        contender(`${count(big)} stored`, bigRuns),
        {
          name: `${count(big)} stored, list() fallback`,
          summary: summarize([fallback.ms]),
          unit: "ms",
          extra: `peak RSS ${fmt(fallback.peakRss / MIB)} MiB`,
        },
      ],
      ratios: [{ label: `${count(big)} / ${count(small)} stored`, summary: ratio }],
      target: "time ≤ 2× the 1,000-realm run; peak RSS ≤ its peak + 64 MiB",
      met,
      notes,
      facts: {
        due,
        stored: big,
        timeRatio: ratio.median,
        rssGrowthMiB: rssGrowth,
        smallMs: wall(smallRuns).median,
        bigMs: wall(bigRuns).median,
        fallbackMs: fallback.ms,
        refreshedMin: Math.min(...[...smallRuns, ...bigRuns].map((r) => r.refreshed)),
        errors: Math.max(...[...smallRuns, ...bigRuns].map((r) => r.failed + r.reauthorization)),
        seedMs,
      },
    };
  } finally {
    await backend.drop(smallNs).catch(() => {});
    await backend.drop(bigNs).catch(() => {});
  }
}

function unavailable(id: string, name: string, reason: string): Row {
  return {
    id,
    what: `refreshDue with 1% due: 100,000 realms stored vs 1,000, ${name}`,
    contenders: [{ name: "100,000 stored", unit: "ms", skipped: reason }],
    ratios: [],
    target: "time ≤ 2× the 1,000-realm run; peak RSS ≤ its peak + 64 MiB",
    met: undefined,
    notes: [`${name} not measured: ${reason}.`],
    facts: {},
  };
}

function skipReason(url: string | undefined, what: string): string | false {
  try {
    return requireOrSkip(url, what);
  } catch (err) {
    return (err as Error).message;
  }
}

export async function benchDue(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const cases: Array<[string, string, () => Promise<string | undefined>, (url: string) => Promise<Backend>]> =
    [
      ["12a", "Redis", redisUrl, redisBackend],
      ["12b", "PostgreSQL", postgresUrl, postgresBackend],
    ];
  for (const [id, name, urlOf, make] of cases) {
    const url = await urlOf();
    const skip = skipReason(url, name);
    if (skip || !url) {
      rows.push(unavailable(id, name, skip || `no ${name}`));
      continue;
    }
    const backend = await make(url);
    try {
      rows.push(await benchBackend(ctx, backend, id));
    } finally {
      await backend.close();
    }
  }
  return rows;
}
