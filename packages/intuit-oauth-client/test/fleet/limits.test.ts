// API limits and metering in one process: the classifier, request kinds, settings checks, the
// Prometheus text, MemoryApiLimits through the API helper (counts, budget marks, hard cap, batch and
// other-API budgets), and the shared stores' batch budget, fleet-wide pause and failure error.
// The multi-process proofs are in limits-fleet.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ApiBudgetExceededError,
  ConfigurationError,
  MemoryApiLimits,
  quickbooks,
  type ApiLimits,
  type ApiRequestInfo,
  type BudgetApproachingEvent,
  type QuickBooksTokens,
} from "../../src/index.js";
import { callKind, classifyApiCall, prometheusText } from "../../src/quickbooks.js";
import { type SharedApiLimits } from "../../src/store-kit.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
import { countingServer } from "./support.js";

const PROD = "https://quickbooks.api.intuit.com/v3/company/123";
const req = (method: string, url: string, api: ApiRequestInfo["api"] = "accounting"): ApiRequestInfo => ({
  method,
  url,
  api,
});
const tokens = (): QuickBooksTokens => ({
  getAccessToken: async () => "t",
  refresh: async () => undefined,
  apiLimits: new MemoryApiLimits(),
});

test("classifyApiCall follows Intuit's classes; unmetered calls are undefined", () => {
  const cases: Array<[ApiRequestInfo, string | undefined]> = [
    [req("GET", `${PROD}/customer/1?minorversion=75`), "corePlus"],
    [req("GET", `${PROD}/query?query=select%20*%20from%20Item`), "corePlus"],
    [req("POST", `${PROD}/query`), "corePlus"],
    [req("GET", `${PROD}/reports/ProfitAndLoss`), "corePlus"],
    [req("GET", `${PROD}/cdc?entities=Invoice&changedSince=2025-01-01`), "corePlus"],
    [req("GET", `${PROD}/invoice/5/pdf`), "corePlus"],
    [req("POST", `${PROD}/batch`), "corePlus"],
    [req("POST", `${PROD}/invoice`), "core"],
    [req("POST", `${PROD}/invoice?operation=delete`), "core"],
    [req("POST", `${PROD}/invoice/5/send`), "core"],
    [req("GET", "https://sandbox-quickbooks.api.intuit.com/v3/company/123/customer/1"), undefined],
    [req("GET", "https://api.intuit.com/quickbooks/v4/payments/charges/1", "payments"), undefined],
    [req("POST", "https://qb.api.intuit.com/graphql", "graphql"), undefined],
    [
      { method: "GET", url: "https://intuit-attachments.s3.amazonaws.com/file.pdf", api: undefined },
      undefined,
    ],
  ];
  for (const [request, expected] of cases) assert.equal(classifyApiCall(request), expected, request.url);
});

test("callKind: batch, reports, other APIs, accounting", () => {
  assert.equal(callKind(req("POST", `${PROD}/batch?minorversion=75`)), "batch");
  assert.equal(callKind(req("GET", `${PROD}/reports/BalanceSheet`)), "report");
  assert.equal(callKind(req("GET", `${PROD}/customer/1`)), "accounting");
  assert.equal(
    callKind(req("POST", "https://api.intuit.com/quickbooks/v4/payments/charges", "payments")),
    "other",
  );
});

test("bad settings are ConfigurationErrors", async () => {
  assert.throws(() => new MemoryApiLimits({ maxConcurrent: 0 }), ConfigurationError);
  assert.throws(() => new MemoryApiLimits({ batchPerMinute: 1.5 }), ConfigurationError);
  assert.throws(() => new MemoryApiLimits({ hardCap: true }), /hardCap needs a budget/);
  assert.throws(() => new MemoryApiLimits({ app: "has space" }), ConfigurationError);
  assert.throws(() => new MemoryApiLimits({ budget: 0 }), ConfigurationError);
  const odd = new MemoryApiLimits({ classify: () => "free" as never });
  await assert.rejects(odd.acquire("1", req("GET", `${PROD}/customer/1`)), ConfigurationError);
  assert.throws(
    () =>
      quickbooks(tokens(), "1", {
        baseUrl: "https://quickbooks.api.intuit.com",
        limits: odd,
        maxConcurrent: 5,
      } as never),
    ConfigurationError,
  );
  const stub: ApiLimits = { acquire: async () => () => {}, pause: () => {} };
  const qb = quickbooks(tokens(), "1", { baseUrl: "https://quickbooks.api.intuit.com", limits: stub });
  assert.throws(() => qb.limiter, ConfigurationError);
});

test("prometheusText: one series per class, the budget, the share used, and realms on request", () => {
  const text = prometheusText({
    app: 'my "app"',
    month: "2026-01",
    core: 12,
    corePlus: 400_000,
    budget: 500_000,
    realms: { "9130": { core: 12, corePlus: 400_000 } },
  });
  assert.equal(
    text,
    [
      "# HELP intuit_api_calls Metered QuickBooks API calls this calendar month (UTC), by App Partner Program class.",
      "# TYPE intuit_api_calls gauge",
      'intuit_api_calls{app="my \\"app\\"",month="2026-01",class="core"} 12',
      'intuit_api_calls{app="my \\"app\\"",month="2026-01",class="core_plus"} 400000',
      "# HELP intuit_api_core_plus_budget CorePlus calls allowed a month.",
      "# TYPE intuit_api_core_plus_budget gauge",
      'intuit_api_core_plus_budget{app="my \\"app\\""} 500000',
      "# HELP intuit_api_core_plus_budget_used_ratio Share of the month's CorePlus budget used.",
      "# TYPE intuit_api_core_plus_budget_used_ratio gauge",
      'intuit_api_core_plus_budget_used_ratio{app="my \\"app\\"",month="2026-01"} 0.8',
      "# HELP intuit_api_realm_calls Metered QuickBooks API calls this month, by realm and class.",
      "# TYPE intuit_api_realm_calls gauge",
      'intuit_api_realm_calls{app="my \\"app\\"",month="2026-01",realm="9130",class="core"} 12',
      'intuit_api_realm_calls{app="my \\"app\\"",month="2026-01",realm="9130",class="core_plus"} 400000',
      "",
    ].join("\n"),
  );
});

describe("MemoryApiLimits through the API helper", () => {
  let server: Awaited<ReturnType<typeof countingServer>>;
  before(async () => (server = await countingServer(0)));
  after(() => server.close());

  test("counts by class and realm; marks announced once; the hard cap refuses CorePlus, not Core", async () => {
    const limits = new MemoryApiLimits({ app: "demo", budget: 20, hardCap: true });
    const events: BudgetApproachingEvent[] = [];
    limits.on("budgetApproaching", (e) => events.push(e));
    const qb = quickbooks(tokens(), "4001", { limits, baseUrl: server.baseUrl, minorVersion: false });
    for (let i = 0; i < 20; i++) await qb.get("customer/1");
    await assert.rejects(qb.query("select * from Item"), (e: unknown) => {
      assert.ok(e instanceof ApiBudgetExceededError);
      assert.equal(e.code, "ERR_API_BUDGET_EXCEEDED");
      assert.deepEqual([e.used, e.budget, e.app], [20, 20, "demo"]);
      return true;
    });
    await qb.post("invoice", { Line: [] });
    assert.deepEqual(server.traffic("4001").methods, { GET: 20, POST: 1 });
    assert.deepEqual(
      events.map((e) => [e.threshold, e.used]),
      [
        [0.8, 16],
        [0.95, 19],
      ],
    );
    const usage = await limits.usage({ realms: true });
    assert.deepEqual(
      { core: usage.core, corePlus: usage.corePlus, realms: { ...usage.realms } },
      { core: 1, corePlus: 20, realms: { "4001": { core: 1, corePlus: 20 } } },
    );
    assert.deepEqual((await limits.usage({ month: "1999-01" })).corePlus, 0);
    await assert.rejects(limits.usage({ month: "2026-13" }), ConfigurationError);
  });

  test("helpers of one token source share its limits and their counts", async () => {
    const source = tokens();
    const a = quickbooks(source, "4002", { baseUrl: server.baseUrl, minorVersion: false });
    const b = quickbooks(source, "4003", { baseUrl: server.baseUrl, minorVersion: false });
    await a.get("customer/1");
    await b.post("customer", {});
    assert.ok(a.limits instanceof MemoryApiLimits);
    const usage = await (a.limits as MemoryApiLimits).usage({ realms: true });
    assert.deepEqual(
      { ...usage.realms },
      { "4002": { core: 0, corePlus: 1 }, "4003": { core: 1, corePlus: 0 } },
    );
  });

  test("batch has its own budget (40 a minute by default); an accounting call does not wait for it", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const waits: number[] = [];
    const limits = new MemoryApiLimits({
      batchPerMinute: 2,
      clock: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const batch = req("POST", `${PROD}/batch`);
    for (let i = 0; i < 2; i++) (await limits.acquire("4004", batch))();
    (await limits.acquire("4004", req("GET", `${PROD}/customer/1`)))();
    assert.deepEqual(waits, []);
    (await limits.acquire("4004", batch))();
    assert.deepEqual(waits, [60_000]);
    assert.equal(new MemoryApiLimits().settings.batchPerMinute, 40);
  });

  test("a custom classifier decides what batch is", async () => {
    const limits = new MemoryApiLimits({
      classify: (request, standard) => (/\/batch(\?|$)/.test(request.url) ? "core" : standard),
    });
    (await limits.acquire("4005", req("POST", `${PROD}/batch`)))();
    (await limits.acquire("4005", req("GET", `${PROD}/customer/1`)))();
    const usage = await limits.usage();
    assert.deepEqual([usage.core, usage.corePlus], [1, 1]);
  });
});

const services = { redis: await redisUrl(), postgres: await postgresUrl() };
for (const kind of ["redis", "postgres"] as const) {
  const url = services[kind];
  describe(`${kind} limits in one process`, { skip: requireOrSkip(url, kind) }, () => {
    const table = uniqueName("lim");
    const prefix = `${uniqueName("lim")}:`;
    const made: SharedApiLimits[] = [];
    async function limits(options: Record<string, unknown> = {}): Promise<SharedApiLimits> {
      let l: SharedApiLimits;
      if (kind === "redis") {
        const { RedisApiLimits } = await import("../../src/redis.js");
        l = new RedisApiLimits({ url: url!, keyPrefix: prefix, ...options });
      } else {
        const { PostgresApiLimits } = await import("../../src/postgres.js");
        const pg = new PostgresApiLimits({ connectionString: url!, tableName: table, ...options });
        if (made.length === 0) await pg.migrate();
        l = pg;
      }
      made.push(l);
      return l;
    }
    after(() => Promise.all(made.map((l) => l.close())));

    test("the batch budget binds per realm and app while other calls go through", async () => {
      const app = uniqueName("app");
      const l = await limits({ app, batchPerMinute: 2 });
      const batch = req("POST", `${PROD}/batch`);
      for (let i = 0; i < 2; i++) (await l.acquire("5001", batch))();
      await assert.rejects(l.acquire("5001", batch, AbortSignal.timeout(150)), { code: "ERR_ABORT" });
      (await l.acquire("5001", req("GET", `${PROD}/customer/1`)))();
      (await l.acquire("5002", batch))(); // another realm has its own budget
      const other = await limits({ app: uniqueName("other-app"), batchPerMinute: 2 });
      (await other.acquire("5001", batch))(); // and so has another app
      assert.equal((await l.usage()).corePlus, 4);
    });

    test("a pause after a 429 holds every process's requests of the realm", async () => {
      const app = uniqueName("app");
      const a = await limits({ app });
      const b = await limits({ app });
      a.pause("5003", 60_000);
      // The pause is sent without waiting for it (a first round trip may also open the connection):
      // wait until b is held, within a generous deadline, instead of sleeping a guess.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const held = await b.acquire("5003", req("GET", `${PROD}/customer/1`), AbortSignal.timeout(150)).then(
          (release) => (release(), false),
          (err: { code?: string }) => (assert.equal(err.code, "ERR_ABORT"), true),
        );
        if (held) break;
        assert.ok(Date.now() < deadline, "the pause never reached the other process");
      }
      (await b.acquire("5004", req("GET", `${PROD}/customer/1`)))();
    });

    test("an unreachable store is a SharedStoreError and nothing is admitted", async () => {
      const l =
        kind === "redis"
          ? new (await import("../../src/redis.js")).RedisApiLimits({ url: "redis://127.0.0.1:1" })
          : new (await import("../../src/postgres.js")).PostgresApiLimits({
              connectionString: "postgres://nobody@127.0.0.1:1/none",
            });
      await assert.rejects(l.acquire("5005", req("GET", `${PROD}/customer/1`)), { code: "ERR_SHARED_STORE" });
      await l.close();
    });
  });
}
