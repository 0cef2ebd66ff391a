// Row 7: scale. 10,000 realms whose access tokens all expire within the next minute, refreshed by
// one TokenManager.refreshDue() with maxConcurrentRefreshes, against the loopback server (which
// answers after a short delay and counts requests in flight). Ours only: checks and wall time, RSS.
import { MemoryTokenStore, TokenManager, type TokenSet } from "../packages/intuit-oauth-client/src/index.js";
import type { BenchContext } from "./context.js";
import { ourClient } from "./fixtures.js";
import { alternate, fmt, summarize, type Row } from "./stats.js";

const LIMIT = 32;
const DELAY_MS = 10;
const MIB = 1024 * 1024;

function expiringToken(realmId: string, now: number): TokenSet {
  return {
    accessToken: `access-${realmId}`,
    refreshToken: `refresh-${realmId}`,
    tokenType: "bearer",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8726400,
    accessTokenExpiresAt: now + Math.floor(Math.random() * 60_000),
    refreshTokenExpiresAt: now + 8726400 * 1000,
    receivedAt: now - 3540 * 1000,
    realmId,
    realmIdVerified: true, // as a proven grant is saved
  };
}

interface RunResult {
  ms: number;
  refreshed: number;
  failed: number;
  reauthorization: number;
  managerPeak: number;
  serverPeak: number;
  serverRequests: number;
  peakRssMiB: number;
  rssGrowthMiB: number;
}

export async function benchScale({ config, server }: BenchContext): Promise<Row[]> {
  const realms = config.quick ? 200 : 10_000;
  const authClient = ourClient(server);
  const results: RunResult[] = [];
  const run = async (): Promise<number> => {
    const now = Date.now();
    const tokens = new TokenManager({
      authClient,
      store: new MemoryTokenStore(),
      maxConcurrentRefreshes: LIMIT,
    });
    for (let i = 0; i < realms; i++) {
      const realmId = `91303500${String(i).padStart(8, "0")}`;
      await tokens.save(realmId, expiringToken(realmId, now));
    }
    await server.reset(DELAY_MS);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 20);
    const start = performance.now();
    const result = await tokens.refreshDue(60_000);
    const ms = performance.now() - start;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const stats = await server.stats();
    results.push({
      ms,
      refreshed: result.refreshed.length,
      failed: result.failed.length,
      reauthorization: result.reauthorizationRequired.length,
      managerPeak: tokens.peakConcurrentRefreshes,
      serverPeak: stats.peakInFlight,
      serverRequests: stats.token,
      peakRssMiB: peakRss / MIB,
      rssGrowthMiB: (peakRss - rssBefore) / MIB,
    });
    return ms;
  };
  // Each run is several seconds of 10,000 refreshes: 5 runs after one warm-up keep the suite short.
  const runs = config.quick ? config : { runs: 5, warmup: 1 };
  const samples = await alternate([{ name: "ours", run }], runs);
  await server.reset();
  const measured = results.slice(-runs.runs);
  const worst = (k: keyof RunResult) => Math.max(...measured.map((r) => r[k]));
  const least = (k: keyof RunResult) => Math.min(...measured.map((r) => r[k]));
  const allRefreshed = least("refreshed") === realms && worst("refreshed") === realms;
  const errors = worst("failed") + worst("reauthorization");
  const bounded = worst("managerPeak") <= LIMIT && worst("serverPeak") <= LIMIT;
  const oneEach = least("serverRequests") === realms && worst("serverRequests") === realms;
  const met = allRefreshed && errors === 0 && bounded && oneEach;
  const rss = summarize(measured.map((r) => r.peakRssMiB));
  const growth = summarize(measured.map((r) => r.rssGrowthMiB));
  const wall = summarize(samples.get("ours") ?? []);
  const notes = [
    `${realms.toLocaleString("en-US")} realms in a MemoryTokenStore, access tokens expiring at random within 60 s; refreshDue(60 s) with maxConcurrentRefreshes ${LIMIT}; the token endpoint answers after ${DELAY_MS} ms, so the floor is ${fmt((realms / LIMIT) * DELAY_MS)} ms.`,
    `Per run (worst of ${measured.length}): refreshed ${least("refreshed")}/${realms}, failed ${worst("failed")}, reauthorization ${worst("reauthorization")}, requests at the server ${least("serverRequests")}–${worst("serverRequests")}, peak in flight ${worst("managerPeak")} in the manager and ${worst("serverPeak")} at the server (limit ${LIMIT}).`,
    `RSS is of the whole bench process (which ran the other rows first): peak ${fmt(rss.median)} MiB (${fmt(rss.min)}–${fmt(rss.max)}), growth during the refresh ${fmt(growth.median)} MiB (${fmt(growth.min)}–${fmt(growth.max)}).`,
  ];
  if (!allRefreshed) notes.push(`MISSED: not every realm was refreshed in every run.`);
  if (errors > 0) notes.push(`MISSED: ${errors} errors in the worst run.`);
  if (!bounded) notes.push(`MISSED: peak in flight exceeded the limit of ${LIMIT}.`);
  if (!oneEach) notes.push(`MISSED: the server did not see exactly one refresh per realm.`);
  return [
    {
      id: "7",
      what: `Scale: ${realms.toLocaleString("en-US")} realms expiring within a minute, refreshDue with maxConcurrentRefreshes ${LIMIT}`,
      contenders: [
        {
          name: "ours",
          summary: wall,
          unit: "ms",
          extra: `${fmt((realms / wall.median) * 1000)} refreshes/s, peak in flight ${worst("serverPeak")}/${LIMIT}, peak RSS ${fmt(rss.median)} MiB`,
        },
      ],
      ratios: [],
      target: "all refreshed, 0 errors; peak in-flight ≤ the configured limit; wall time and RSS reported",
      met,
      notes,
      facts: {
        realms,
        refreshed: least("refreshed"),
        errors,
        managerPeak: worst("managerPeak"),
        serverPeak: worst("serverPeak"),
        serverRequests: worst("serverRequests"),
        wallMs: wall.median,
        peakRssMiB: rss.median,
      },
    },
  ];
}
