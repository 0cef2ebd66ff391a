// Intuit's per-realm limits and the metered-call counts held across processes: 4 app-server
// processes hammer one realm through the API helper (quickbooks(…, { limits })) against a loopback
// stand-in that counts requests in flight and arrivals per realm; then a holder is SIGKILLed.
// The minute budget is shortened to 40 per 1000 ms so the test takes seconds, not minutes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
import { busiestWindow, countingServer, reply, startChild, stopChildren } from "./support.js";
import type { HammerResult, StoreSpec } from "./fixtures/fleet-child.js";
import type { SharedApiLimits } from "../../src/store-kit.js";

const PROCESSES = 4;

function sum(results: HammerResult[], pick: (r: HammerResult) => number): number {
  return results.reduce((n, r) => n + pick(r), 0);
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await delay(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

const services = { redis: await redisUrl(), postgres: await postgresUrl() };

for (const kind of ["redis", "postgres"] as const) {
  const url = services[kind];
  describe(`${kind}: limits across ${PROCESSES} processes`, { skip: requireOrSkip(url, kind) }, () => {
    const spec: StoreSpec = { kind, url: url!, prefix: `${uniqueName("lim")}:`, table: uniqueName("lim") };
    let children: ChildProcess[] = [];
    let server: Awaited<ReturnType<typeof countingServer>>;

    async function parentLimits(app: string): Promise<SharedApiLimits> {
      if (kind === "redis") {
        const { RedisApiLimits } = await import("../../src/redis.js");
        return new RedisApiLimits({ url: url!, keyPrefix: spec.prefix!, app });
      }
      const { PostgresApiLimits } = await import("../../src/postgres.js");
      return new PostgresApiLimits({ connectionString: url!, tableName: spec.table!, app });
    }

    async function hammerAll(
      realmId: string,
      limits: Record<string, unknown>,
      calls: Array<{ method: "GET" | "POST"; path: string }>,
      concurrency: number,
      on: readonly ChildProcess[] = children,
    ): Promise<HammerResult[]> {
      return Promise.all(
        on.map((c) => {
          const done = reply<HammerResult>(c, "hammered");
          c.send({
            type: "hammer",
            store: spec,
            limits,
            realmId,
            baseUrl: server.baseUrl,
            calls,
            concurrency,
          });
          return done;
        }),
      );
    }

    before(async () => {
      if (kind === "postgres") {
        const { PostgresApiLimits } = await import("../../src/postgres.js");
        const migrator = new PostgresApiLimits({ connectionString: url!, tableName: spec.table! });
        await migrator.migrate();
        await migrator.close();
      }
      server = await countingServer(20);
      children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild()));
    });
    after(async () => {
      await stopChildren(children);
      await server?.close();
    });

    test("never more than 10 of a realm's requests in flight (4 processes × 20 callers)", async (t) => {
      const realmId = "9130350000000001";
      const calls = Array.from({ length: 60 }, () => ({ method: "GET" as const, path: "customer/1" }));
      const results = await hammerAll(realmId, { app: uniqueName("app"), perMinute: 100_000 }, calls, 20);
      assert.deepEqual(
        results.flatMap((r) => r.errors),
        [],
      );
      assert.equal(
        sum(results, (r) => r.ok),
        PROCESSES * 60,
      );
      const traffic = server.traffic(realmId);
      assert.equal(traffic.arrivals.length, PROCESSES * 60);
      // 80 callers wanted in at once: never more than the limit at Intuit, and more than one at a
      // time (the limit is a ceiling, not a queue of one). The exact peak depends on the schedule.
      assert.ok(traffic.peak <= 10, `peak ${traffic.peak} exceeds the limit of 10`);
      assert.ok(traffic.peak >= 2, `peak ${traffic.peak}: requests were serialised`);
      const trips = sum(results, (r) => r.stats.roundTrips);
      const granted = sum(results, (r) => r.stats.granted);
      const carried = sum(results, (r) => r.stats.carriedReleases);
      assert.equal(granted, PROCESSES * 60);
      assert.ok(carried > 0, "releases ride on the next attempt");
      t.diagnostic(
        `store round trips per request: ${(trips / granted).toFixed(2)} (${granted} admitted, ` +
          `${sum(results, (r) => r.stats.refused)} refused attempts, ${carried} releases carried, ` +
          `${sum(results, (r) => r.stats.releaseTrips)} release-only trips)`,
      );
    });

    test("never more than the minute budget in a window (shortened to 40 per 1000 ms)", async () => {
      const realmId = "9130350000000002";
      const calls = Array.from({ length: 30 }, () => ({ method: "GET" as const, path: "customer/1" }));
      const results = await hammerAll(
        realmId,
        { app: uniqueName("app"), perMinute: 40, windowMs: 1000 },
        calls,
        10,
      );
      assert.deepEqual(
        results.flatMap((r) => r.errors),
        [],
      );
      const arrivals = server.traffic(realmId).arrivals;
      assert.equal(arrivals.length, PROCESSES * 30);
      // Judged on arrival at the server, over a window 20% shorter than the limiter's, so the
      // time between admission and arrival on a loaded machine cannot fake a breach.
      assert.ok(busiestWindow(arrivals, 800) <= 40, `${busiestWindow(arrivals, 800)} requests within 800 ms`);
    });

    test("metering: exact fleet-wide counts, each budget mark announced once, hard cap refuses CorePlus only", async () => {
      const realmId = "9130350000000003";
      const app = uniqueName("metered");
      const calls = [
        ...Array.from({ length: 10 }, () => ({ method: "POST" as const, path: "invoice" })),
        ...Array.from({ length: 40 }, () => ({
          method: "GET" as const,
          path: "query?query=select * from Item",
        })),
      ];
      const results = await hammerAll(
        realmId,
        { app, budget: 100, hardCap: true, perMinute: 100_000 },
        calls,
        8,
      );
      const errors = results.flatMap((r) => r.errors);
      assert.equal(errors.length, PROCESSES * 40 - 100);
      assert.ok(
        errors.every((e) => e === "ERR_API_BUDGET_EXCEEDED"),
        errors.join(","),
      );
      const traffic = server.traffic(realmId);
      assert.deepEqual(traffic.methods, { POST: PROCESSES * 10, GET: 100 });
      const events = results.flatMap((r) => r.events).sort((a, b) => a.threshold - b.threshold);
      assert.deepEqual(
        events.map((e) => [e.threshold, e.used, e.budget, e.app]),
        [
          [0.8, 80, 100, app],
          [0.95, 95, 100, app],
        ],
      );
      const limits = await parentLimits(app);
      try {
        const usage = await limits.usage({ realms: true });
        assert.equal(usage.core, PROCESSES * 10);
        assert.equal(usage.corePlus, 100);
        assert.deepEqual({ ...usage.realms }, { [realmId]: { core: PROCESSES * 10, corePlus: 100 } });
        const text = await limits.metrics();
        assert.match(
          text,
          new RegExp(`intuit_api_calls\\{app="${app}",month="${usage.month}",class="core_plus"\\} 100\\n`),
        );
        assert.match(
          text,
          new RegExp(`intuit_api_calls\\{app="${app}",month="${usage.month}",class="core"\\} 40\\n`),
        );
      } finally {
        await limits.close();
      }
    });

    test("SIGKILL: a holder's slots stay taken while it lives (renewed), and come back after their lease", async () => {
      const realmId = "9130350000000004";
      const app = uniqueName("lease");
      const leaseMs = 1500;
      const [holder, other] = children as [ChildProcess, ChildProcess];
      holder.send({
        type: "hold",
        store: spec,
        limits: { app, leaseMs },
        realmId,
        baseUrl: server.baseUrl,
        calls: [],
        concurrency: 10,
      });
      await reply(holder, "holding");
      await waitUntil("10 requests are held", () => server.traffic(realmId).inFlight === 10);
      const waiting = hammerAll(realmId, { app, leaseMs }, [{ method: "GET", path: "customer/1" }], 1, [
        other,
      ]);
      // Longer than a lease: the holder's renewals keep its slots.
      await delay(2 * leaseMs);
      assert.equal(server.traffic(realmId).arrivals.length, 10, "no request got in while the holder lived");
      const leaseEnds = await leaseEndsOf(app, realmId);
      assert.equal(leaseEnds.length, 10);
      holder.kill("SIGKILL");
      const killedAt = Date.now();
      const [result] = await waiting;
      assert.deepEqual(result?.errors, []);
      const arrivals = server.traffic(realmId).arrivals;
      assert.equal(arrivals.length, 11);
      const admittedAt = arrivals[10] as number;
      assert.ok(admittedAt >= killedAt, "admitted only after the holder died");
      assert.ok(admittedAt >= Math.min(...leaseEnds), "admitted only once a dead slot's lease had ended");
      children = children.filter((c) => c !== holder);
    });

    /** The lease ends (epoch ms) of the realm's slots, read from the store itself. */
    async function leaseEndsOf(app: string, realmId: string): Promise<number[]> {
      if (kind === "redis") {
        const { createClient } = await import("redis");
        const client = createClient({ url: url! });
        await client.connect();
        try {
          const key = `${spec.prefix}{api}:slots:${encodeURIComponent(app)}:${encodeURIComponent(realmId)}`;
          const reply = (await client.sendCommand(["ZRANGE", key, "0", "-1", "WITHSCORES"])) as unknown[];
          // node-redis 6 pairs them up ([member, score][]); older versions send them flat.
          if (reply.every(Array.isArray)) return (reply as unknown[][]).map((pair) => Number(pair[1]));
          return reply.filter((_, i) => i % 2 === 1).map(Number);
        } finally {
          await client.close();
        }
      }
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: url! });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT expires_at FROM "${spec.table}_slots" WHERE app = $1 AND realm_id = $2`,
          [app, realmId],
        );
        return rows.map((r: { expires_at: string }) => Number(r.expires_at));
      } finally {
        await client.end();
      }
    }
  });
}
