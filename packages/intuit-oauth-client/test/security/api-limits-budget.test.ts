// Issue 19 (lower #4): the CorePlus budget pays only for calls that reach Intuit. A realm with no
// stored grant, or whose refresh fails, never takes a slot or a count (the token comes first); an
// admitted attempt that never left (a refused connection) gives its count back; and an optional
// per-realm share keeps one company from spending the app's whole budget. Every limits store:
// memory, Redis, PostgreSQL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ApiBudgetExceededError,
  AuthClient,
  ConfigurationError,
  MemoryApiLimits,
  MemoryTokenStore,
  RealmBudgetExceededError,
  TokenManager,
  quickbooks,
} from "../../src/index.js";
import { type SharedApiLimits } from "../../src/store-kit.js";
import { countingServer } from "../fleet/support.js";
import { rejection, startFakeIntuit, type FakeIntuit } from "../support/fake-intuit.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const CONNECTED = "4620816365";
const NO_GRANT = "4620816366";
const DEAD_GRANT = "4620816367";

let intuit: FakeIntuit;
let api: Awaited<ReturnType<typeof countingServer>>;
let tokens: TokenManager;

function record(realmId: string, accessTokenExpiresAt: number) {
  const now = Date.now();
  return {
    realmId,
    updatedAt: now,
    token: {
      accessToken: `AT-${realmId}`,
      refreshToken: `RT-${realmId}`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8726400,
      accessTokenExpiresAt,
      refreshTokenExpiresAt: now + 86_400_000,
      receivedAt: now - 1000,
    },
  };
}

before(async () => {
  api = await countingServer(0);
  intuit = await startFakeIntuit();
  // Every refresh is refused: the grant of DEAD_GRANT is gone.
  intuit.on("/token", () => ({ status: 400, body: { error: "invalid_grant" } }));
  const store = new MemoryTokenStore();
  await store.set(record(CONNECTED, Date.now() + 3_600_000));
  await store.set(record(DEAD_GRANT, Date.now() - 1000));
  tokens = new TokenManager({ authClient: new AuthClient(intuit.clientOptions()), store });
});
after(async () => {
  await api.close();
  await intuit.close();
});

type Make = (options: Record<string, unknown>) => Promise<MemoryApiLimits | SharedApiLimits>;

const services = { redis: await redisUrl(), postgres: await postgresUrl() };
const kinds: Array<[string, string | undefined, Make]> = [
  ["memory", "memory", async (options) => new MemoryApiLimits(options)],
  [
    "redis",
    services.redis,
    async (options) => {
      const { RedisApiLimits } = await import("../../src/redis.js");
      const l = new RedisApiLimits({
        url: services.redis!,
        keyPrefix: `${uniqueName("budget")}:`,
        ...options,
      });
      made.push(l);
      return l;
    },
  ],
  [
    "postgres",
    services.postgres,
    async (options) => {
      const { PostgresApiLimits } = await import("../../src/postgres.js");
      const l = new PostgresApiLimits({
        connectionString: services.postgres!,
        tableName: uniqueName("budget"),
        ...options,
      });
      made.push(l);
      await l.migrate();
      return l;
    },
  ],
];
const made: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(made.map((l) => l.close())));

/** Waits (up to a generous deadline) until `check` holds: a refund is sent without waiting for it. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const [kind, available, make] of kinds) {
  describe(`${kind} limits`, { skip: kind === "memory" ? false : requireOrSkip(available, kind) }, () => {
    test("a realm without a usable grant spends nothing; with hardCap it blocks no one", async () => {
      const limits = await make({ app: uniqueName("app"), budget: 3, hardCap: true });
      const qb = (realmId: string) =>
        quickbooks(tokens, realmId, { baseUrl: api.baseUrl, minorVersion: false, limits });
      for (let i = 0; i < 5; i++) {
        assert.equal(
          ((await rejection(qb(NO_GRANT).get("customer/1"))) as { code?: string }).code,
          "ERR_TOKEN_NOT_FOUND",
        );
        const dead = await rejection(qb(DEAD_GRANT).get("customer/1"));
        assert.ok((dead as { code?: string }).code !== undefined, String(dead));
      }
      const usage = await limits.usage({ realms: true });
      assert.deepEqual([usage.corePlus, Object.keys(usage.realms ?? {})], [0, []]);
      // The budget is whole for the company that is connected.
      for (let i = 0; i < 3; i++) await qb(CONNECTED).get("customer/1");
      await assert.rejects(qb(CONNECTED).get("customer/1"), ApiBudgetExceededError);
      assert.equal(api.traffic(NO_GRANT).arrivals.length + api.traffic(DEAD_GRANT).arrivals.length, 0);
    });

    test("an attempt that never left (connection refused) gives its count back", async () => {
      const limits = await make({ app: uniqueName("app"), budget: 100 });
      const qb = quickbooks(tokens, CONNECTED, {
        baseUrl: "http://127.0.0.1:1",
        minorVersion: false,
        limits,
        rateLimitRetries: 0,
      });
      const err = await rejection(qb.get("customer/1"));
      assert.equal((err as { code?: string }).code, "ERR_NETWORK", String(err));
      await eventually(async () => (await limits.usage()).corePlus === 0, "the count given back");
      const usage = await limits.usage({ realms: true });
      assert.deepEqual({ ...usage.realms?.[CONNECTED] }, { core: 0, corePlus: 0 });
    });

    test("perRealmShare: a realm past its share is refused, typed; the others and its writes go on", async () => {
      const limits = await make({ app: uniqueName("app"), budget: 10, perRealmShare: 0.3 });
      const tokensOf = { getAccessToken: async () => "t", refresh: async () => undefined };
      const qb = (realmId: string) =>
        quickbooks(tokensOf, realmId, { baseUrl: api.baseUrl, minorVersion: false, limits });
      const [greedy, other] = [uniqueRealm(), uniqueRealm()];
      for (let i = 0; i < 3; i++) await qb(greedy).get("customer/1");
      const err = await rejection(qb(greedy).query("select * from Customer"));
      assert.ok(err instanceof RealmBudgetExceededError, String(err));
      assert.equal(err.code, "ERR_REALM_BUDGET_EXCEEDED");
      assert.deepEqual([err.realmId, err.used, err.share], [greedy, 3, 3]);
      assert.equal(api.traffic(greedy).methods["GET"], 3); // the refused call was not sent
      await qb(greedy).post("customer", {}); // Core calls are not CorePlus
      await qb(other).get("customer/1");
      const usage = await limits.usage({ realms: true });
      assert.deepEqual([usage.core, usage.corePlus], [1, 4]);
    });

    test("perRealmShare as a number of calls needs no budget", async () => {
      const limits = await make({ app: uniqueName("app"), perRealmShare: 2 });
      const tokensOf = { getAccessToken: async () => "t", refresh: async () => undefined };
      const realm = uniqueRealm();
      const qb = quickbooks(tokensOf, realm, { baseUrl: api.baseUrl, minorVersion: false, limits });
      await qb.get("customer/1");
      await qb.get("customer/1");
      await assert.rejects(qb.get("customer/1"), { code: "ERR_REALM_BUDGET_EXCEEDED" });
    });
  });
}

test("bad perRealmShare values are ConfigurationErrors", () => {
  for (const perRealmShare of [0, -0.1, 1.5, Number.NaN, Infinity, "0.1" as never])
    assert.throws(
      () => new MemoryApiLimits({ budget: 100, perRealmShare }),
      ConfigurationError,
      String(perRealmShare),
    );
  assert.throws(() => new MemoryApiLimits({ perRealmShare: 0.05 }), /needs a budget/);
  assert.doesNotThrow(() => new MemoryApiLimits({ budget: 100, perRealmShare: 0.05 }));
});

let next = 0;
function uniqueRealm(): string {
  return `77${process.pid}${Date.now() % 1_000_000}${next++}`;
}
