// Row 9: API limits held in a shared store, Redis and PostgreSQL: store round trips per admitted
// request (the claim is one admission round trip per request, releases carried by the next attempt),
// uncontended (one caller) and contended (20 callers on a realm of 10 slots, each request holding its
// slot 2 ms), with admissions per second. One process; the multi-process proof is a test.
import { PostgresApiLimits } from "../packages/intuit-oauth-client/src/stores/postgres/api-limits.js";
import { RedisApiLimits } from "../packages/intuit-oauth-client/src/stores/redis/api-limits.js";
import type { ApiRequestInfo } from "../packages/intuit-oauth-client/src/index.js";
import type { SharedApiLimits } from "../packages/intuit-oauth-client/src/store-kit.js";
import {
  postgresUrl,
  redisUrl,
  requireOrSkip,
  uniqueName,
} from "../packages/intuit-oauth-client/test/support/services.js";
import type { BenchContext } from "./context.js";
import { fmt, summarize, type ContenderResult, type Row } from "./stats.js";

const READ: ApiRequestInfo = {
  method: "GET",
  url: "https://quickbooks.api.intuit.com/v3/company/9130350000000009/customer/1",
  api: "accounting",
};
const LIMIT = 1.05;

function skipReason(url: string | undefined, what: string): string | false {
  try {
    return requireOrSkip(url, what);
  } catch (err) {
    return (err as Error).message;
  }
}

interface Run {
  tripsPerRequest: number;
  perSecond: number;
}

async function run(limits: SharedApiLimits, requests: number, callers: number, holdMs: number): Promise<Run> {
  const before = limits.stats();
  let left = requests;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (left > 0) {
        left--;
        const release = await limits.acquire("9130350000000009", READ);
        if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
        release();
      }
    }),
  );
  const ms = performance.now() - start;
  await new Promise((r) => setTimeout(r, 5)); // let the last release go out
  const after = limits.stats();
  return {
    tripsPerRequest: (after.roundTrips - before.roundTrips) / requests,
    perSecond: (requests / ms) * 1000,
  };
}

export async function benchApiLimits({ config }: BenchContext): Promise<Row[]> {
  const runs = config.quick ? 1 : 5;
  const sizes = config.quick ? { alone: 50, contended: 50 } : { alone: 2000, contended: 1000 };
  const stores: Array<{ name: string; make: () => Promise<SharedApiLimits | string> }> = [
    {
      name: "Redis",
      make: async () => {
        const url = await redisUrl();
        const skip = skipReason(url, "Redis");
        if (skip || !url) return skip || "no Redis";
        return new RedisApiLimits({
          url,
          keyPrefix: `${uniqueName("bench")}:`,
          perMinute: 1_000_000,
          windowMs: 100,
        });
      },
    },
    {
      name: "PostgreSQL",
      make: async () => {
        const url = await postgresUrl();
        const skip = skipReason(url, "PostgreSQL");
        if (skip || !url) return skip || "no PostgreSQL";
        const limits = new PostgresApiLimits({
          connectionString: url,
          tableName: uniqueName("bench"),
          perMinute: 1_000_000,
          windowMs: 100,
        });
        await limits.migrate();
        return limits;
      },
    },
  ];
  const contenders: ContenderResult[] = [];
  const facts: Record<string, number> = {};
  let met: boolean | undefined;
  for (const store of stores) {
    const made = await store.make();
    if (typeof made === "string") {
      for (const what of ["one caller", "20 callers, 10 slots"])
        contenders.push({ name: `${store.name}, ${what}`, unit: "round trips/request", skipped: made });
      continue;
    }
    try {
      for (const [what, requests, callers, holdMs] of [
        ["one caller", sizes.alone, 1, 0],
        ["20 callers, 10 slots", sizes.contended, 20, 2],
      ] as const) {
        await run(made, Math.min(50, requests), callers, holdMs); // warm-up: connection, script cache
        const results: Run[] = [];
        for (let i = 0; i < runs; i++) results.push(await run(made, requests, callers, holdMs));
        const trips = summarize(results.map((r) => r.tripsPerRequest));
        const rate = summarize(results.map((r) => r.perSecond));
        contenders.push({
          name: `${store.name}, ${what}`,
          summary: trips,
          unit: "round trips/request",
          extra: `${fmt(rate.median)} admissions/s`,
        });
        const key = `${store.name === "Redis" ? "redis" : "postgres"}${callers === 1 ? "Alone" : "Contended"}`;
        facts[`${key}TripsPerRequest`] = trips.median;
        if (callers === 1) met = (met ?? true) && trips.max <= LIMIT;
      }
    } finally {
      await made.close();
    }
  }
  return [
    {
      id: "9",
      what: "API limits in a shared store: store round trips per admitted request",
      contenders,
      ratios: [],
      target: `one caller: at most ${LIMIT} round trips per request (the admission carries the previous release)`,
      met,
      notes: [
        "Counted by limits.stats(): every store round trip (admissions, refused attempts, release-only trips, renewals) over the requests admitted.",
        "Contended: 20 callers in one process on a realm of 10 slots, each request holding its slot 2 ms; refused attempts while the realm is full are the extra trips.",
        "The minute budget is lifted (1,000,000) and its window shortened to 100 ms, so the rolling log holds a few hundred entries, as Intuit's 500 a minute would, without the budget stopping the run.",
      ],
      facts,
    },
  ];
}
