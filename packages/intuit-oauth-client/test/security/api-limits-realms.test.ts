// Issue 19 (lower #3): a realm id is a QuickBooks company number (digits), checked by one rule
// (src/oauth/realm-id.ts) at every entry point: the callback, the API helper, its limits and
// metering. Per-realm counts come back in an object without a prototype, so a realm called
// `__proto__` (written by an older version, or another app sharing the store) is a key like any
// other instead of writing `core`/`corePlus` onto Object.prototype or vanishing.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  CallbackError,
  ConfigurationError,
  MemoryApiLimits,
  quickbooks,
  type ApiRequestInfo,
  type QuickBooksTokens,
} from "../../src/index.js";
import { validateCallback } from "../../src/protocol.js";
import { type SharedApiLimits } from "../../src/store-kit.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const NOT_REALMS = ["__proto__", "constructor", "1a", "-1", " 1", "1 ", "../1", "１２３", "1".repeat(33), ""];
const GET: ApiRequestInfo = {
  method: "GET",
  url: "https://quickbooks.api.intuit.com/v3/company/1/customer/1",
  api: "accounting",
};
let asked = 0;
const tokens: QuickBooksTokens = {
  getAccessToken: async () => {
    asked++;
    return "t";
  },
  refresh: async () => undefined,
  apiLimits: new MemoryApiLimits(),
};

test("quickbooks(tokens, realmId) takes only digits", () => {
  for (const realmId of NOT_REALMS)
    assert.throws(
      () => quickbooks(tokens, realmId, { baseUrl: "https://quickbooks.api.intuit.com" }),
      ConfigurationError,
      JSON.stringify(realmId),
    );
  const ok = quickbooks(tokens, "9341453050198162", { baseUrl: "https://quickbooks.api.intuit.com" });
  assert.equal(ok.realmId, "9341453050198162");
});

test("the callback refuses a realmId that is not digits, before anything is exchanged", () => {
  for (const realmId of NOT_REALMS.filter((r) => r !== "")) {
    const err = (() => {
      try {
        validateCallback(`?state=s&code=c&realmId=${encodeURIComponent(realmId)}`, "s");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof CallbackError && err.reason === "malformed", `${realmId}: ${String(err)}`);
  }
  assert.equal(validateCallback("?state=s&code=c&realmId=1108033471", "s").realmId, "1108033471");
});

test("MemoryApiLimits refuses such a realm and counts nothing", async () => {
  const limits = new MemoryApiLimits({ budget: 10 });
  for (const realmId of NOT_REALMS) {
    await assert.rejects(limits.acquire(realmId, GET), ConfigurationError, JSON.stringify(realmId));
    assert.throws(() => limits.limiter(realmId), ConfigurationError);
    limits.pause(realmId, 1000); // never throws, and does nothing
  }
  const usage = await limits.usage({ realms: true });
  assert.deepEqual([usage.core, usage.corePlus, Object.keys(usage.realms ?? {})], [0, 0, []]);
  assert.equal(Object.getPrototypeOf(usage.realms), null);
});

const services = { redis: await redisUrl(), postgres: await postgresUrl() };
for (const kind of ["redis", "postgres"] as const) {
  const url = services[kind];
  describe(`${kind} limits`, { skip: requireOrSkip(url, kind) }, () => {
    const made: SharedApiLimits[] = [];
    after(() => Promise.all(made.map((l) => l.close())));
    const prefix = `${uniqueName("realms")}:`;
    const table = uniqueName("realms");

    async function limits(app: string): Promise<SharedApiLimits> {
      let l: SharedApiLimits;
      if (kind === "redis") {
        const { RedisApiLimits } = await import("../../src/redis.js");
        l = new RedisApiLimits({ url: url!, keyPrefix: prefix, app });
      } else {
        const { PostgresApiLimits } = await import("../../src/postgres.js");
        const pg = new PostgresApiLimits({ connectionString: url!, tableName: table, app });
        await pg.migrate();
        l = pg;
      }
      made.push(l);
      return l;
    }

    /** Writes counts for realm `__proto__` straight into the store, as an older version could have. */
    async function plantProtoCounts(app: string, month: string): Promise<void> {
      if (kind === "redis") {
        const { createClient } = await import("redis");
        const client = createClient({ url: url! });
        await client.connect();
        await client.hSet(`${prefix}{api}:realm-counts:${app}:${month}`, {
          "__proto__|core": "3",
          "__proto__|corePlus": "7",
          "4242|corePlus": "1",
        });
        await client.quit();
      } else {
        const pg = await import("pg");
        const client = new pg.default.Client({ connectionString: url! });
        await client.connect();
        await client.query(
          `INSERT INTO ${table}_counts (app, month, realm_id, core, core_plus) VALUES ($1, $2, '__proto__', 3, 7), ($1, $2, '4242', 0, 1)`,
          [app, month],
        );
        await client.end();
      }
    }

    test("acquire refuses such a realm before any round trip", async () => {
      const l = await limits(uniqueName("app"));
      const before = l.stats().roundTrips;
      for (const realmId of NOT_REALMS)
        await assert.rejects(l.acquire(realmId, GET), ConfigurationError, JSON.stringify(realmId));
      l.pause("__proto__", 1000);
      assert.equal(l.stats().roundTrips, before);
    });

    test("usage({ realms: true }) keeps a stored __proto__ realm as a key and leaves Object.prototype alone", async () => {
      const app = uniqueName("app");
      const l = await limits(app);
      const month = (await l.usage()).month;
      await plantProtoCounts(app, month);
      const usage = await l.usage({ realms: true });
      const realms = usage.realms!;
      assert.equal(Object.getPrototypeOf(realms), null);
      assert.deepEqual(Object.keys(realms).sort(), ["4242", "__proto__"]);
      assert.deepEqual({ ...realms["__proto__"] }, { core: 3, corePlus: 7 });
      assert.equal(({} as Record<string, unknown>)["corePlus"], undefined);
      assert.equal(({} as Record<string, unknown>)["core"], undefined);
      assert.match(await l.metrics({ realms: true }), /realm="__proto__",class="core_plus"\} 7/);
    });

    test("the API helper with shared limits refuses the realm before asking for a token", async () => {
      const l = await limits(uniqueName("app"));
      asked = 0;
      assert.throws(
        () => quickbooks(tokens, "__proto__", { baseUrl: "https://quickbooks.api.intuit.com", limits: l }),
        ConfigurationError,
      );
      assert.equal(asked, 0);
    });
  });
}
