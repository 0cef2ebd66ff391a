// Every numeric option is checked once, by src/common/options.ts: each row gives an option, where a
// user sets it, and values it must refuse; each must be a ConfigurationError that names the option
// and the kind of value (a number shown, a string never: it might be a misplaced secret).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  AuthClient,
  ConfigurationError,
  FileTokenStore,
  MemoryApiLimits,
  MemoryStateStore,
  MemoryTokenStore,
  TokenManager,
  encryptStoredRecords,
  handleWebhookOnce,
  quickbooks,
  type AuthClientOptions,
  type QuickBooksTokens,
} from "../../src/index.js";
import { DiscoveryCache, HttpClient } from "../../src/protocol.js";
import { RealmLimiter } from "../../src/store-kit.js";
import { PostgresApiLimits, PostgresTokenStore } from "../../src/postgres.js";
import { RedisApiLimits, RedisTokenStore } from "../../src/redis.js";

const SECRET = "s3cret-value-that-must-not-be-echoed";
const base: AuthClientOptions = {
  clientId: "id",
  clientSecret: "secret",
  redirectUri: "https://app.example.com/callback",
  environment: "sandbox",
};
const directory = mkdtempSync(join(tmpdir(), "numeric-options-"));
after(() => rmSync(directory, { recursive: true, force: true }));

const authClient = (extra: Record<string, unknown> = {}) => new AuthClient({ ...base, ...extra });
const manager = (extra: Record<string, unknown> = {}) =>
  new TokenManager({ authClient: authClient(), ...extra } as ConstructorParameters<typeof TokenManager>[0]);
// Nothing here may reach a network: every URL is a closed port on loopback.
// A fresh token source per call, with limits of its own (a TokenManager's apiLimits).
const tokens = (): QuickBooksTokens => ({
  getAccessToken: async () => "AT",
  refresh: async () => undefined,
  apiLimits: new MemoryApiLimits(),
});
const qb = (extra: Record<string, unknown> = {}) =>
  quickbooks(tokens(), "123", { baseUrl: "http://127.0.0.1:9", ...extra });
const asAny = (v: unknown) => v as never;

interface Row {
  /** The option's name as the message must give it. */
  option: string;
  /** Sets the option to `value` where a user would; may throw or reject. */
  set: (value: unknown) => unknown;
  bad: unknown[];
  /** A value it accepts (checked for constructors, which do no I/O). */
  good?: unknown;
}

const DURATION = [-5, Number.NaN, 0, Infinity, 2 ** 31, SECRET, null];
const MAY_BE_ZERO = [-1, Number.NaN, Infinity, SECRET];
const COUNT = [0, -1, 1.5, Number.NaN, SECRET];

const rows: Row[] = [
  // HTTP, through AuthClient (which builds the HttpClient) and HttpClient itself
  { option: "timeoutMs", set: (v) => authClient({ timeoutMs: v }), bad: DURATION, good: 5000 },
  { option: "timeoutMs", set: (v) => new HttpClient({ timeoutMs: asAny(v) }), bad: DURATION, good: 1 },
  {
    option: "timeoutMs",
    set: (v) =>
      new HttpClient().send({
        method: "GET",
        url: "https://127.0.0.1:9/",
        idempotent: true,
        timeoutMs: asAny(v),
      }),
    bad: DURATION,
  },
  { option: "maxBodyBytes", set: (v) => authClient({ maxBodyBytes: v }), bad: ["x", ...COUNT], good: 1024 },
  {
    option: "retry.retries",
    set: (v) => authClient({ retry: { retries: v } }),
    bad: [-1, 1.5, NaN, SECRET],
    good: 0,
  },
  {
    option: "retry.minDelayMs",
    set: (v) => authClient({ retry: { minDelayMs: v } }),
    bad: MAY_BE_ZERO,
    good: 0,
  },
  {
    option: "retry.maxDelayMs",
    set: (v) => authClient({ retry: { maxDelayMs: v } }),
    bad: MAY_BE_ZERO,
    good: 10,
  },
  {
    option: "retry.maxRetryAfterMs",
    set: (v) => authClient({ retry: { maxRetryAfterMs: v } }),
    bad: MAY_BE_ZERO,
    good: 0,
  },
  {
    option: "retry.defaultRetryAfterMs",
    set: (v) => authClient({ retry: { defaultRetryAfterMs: v } }),
    bad: MAY_BE_ZERO,
    good: 60_000,
  },
  // OAuth: ID-token clock tolerance (seconds, Intuit's unit), the JWKS cache, state and discovery TTLs
  {
    option: "clockToleranceSeconds",
    set: (v) => authClient({ clockToleranceSeconds: v }),
    bad: [-100, NaN, "30", Infinity],
    good: 0,
  },
  {
    option: "clockToleranceSeconds",
    set: (v) => authClient().validateIdToken("a.b.c", { clockToleranceSeconds: asAny(v) }),
    bad: [-100, NaN, "30"],
  },
  { option: "jwks.maxAgeMs", set: (v) => authClient({ jwks: { maxAgeMs: v } }), bad: DURATION, good: 60_000 },
  {
    option: "jwks.cooldownMs",
    set: (v) => authClient({ jwks: { cooldownMs: v } }),
    bad: MAY_BE_ZERO,
    good: 0,
  },
  { option: "jwks.timeoutMs", set: (v) => authClient({ jwks: { timeoutMs: v } }), bad: DURATION, good: 1000 },
  { option: "stateTtlMs", set: (v) => authClient({ stateTtlMs: v }), bad: [...COUNT, 2 ** 60], good: 60_000 },
  {
    option: "discoveryTtlMs",
    set: (v) =>
      AuthClient.create({
        ...base,
        environment: "http://127.0.0.1:9/.well-known/openid-configuration",
        discoveryTtlMs: asAny(v),
      }),
    bad: MAY_BE_ZERO,
  },
  {
    option: "ttlMs",
    set: (v) =>
      new DiscoveryCache().discover("http://127.0.0.1:9/.well-known/openid-configuration", new HttpClient(), {
        ttlMs: asAny(v),
      }),
    bad: MAY_BE_ZERO,
  },
  // The token manager, its maintenance helpers and the stores' lock lease
  { option: "refreshMarginMs", set: (v) => manager({ refreshMarginMs: v }), bad: MAY_BE_ZERO, good: 0 },
  { option: "lockLeaseMs", set: (v) => manager({ lockLeaseMs: v }), bad: DURATION, good: 15_000 },
  { option: "lockWaitMs", set: (v) => manager({ lockWaitMs: v }), bad: MAY_BE_ZERO, good: 0 },
  {
    option: "maxConcurrentRefreshes",
    set: (v) => manager({ maxConcurrentRefreshes: v }),
    bad: COUNT,
    good: 1,
  },
  {
    option: "hardExpiryWarningDays",
    set: (v) => manager({ hardExpiryWarningDays: v }),
    bad: [SECRET, 7, null],
    good: [30, 1],
  },
  {
    option: "hardExpiryWarningDays[1]",
    set: (v) => manager({ hardExpiryWarningDays: [30, v] }),
    bad: [-7, 0, NaN, SECRET],
    good: 0.5,
  },
  { option: "withinMs", set: (v) => manager().refreshDue(asAny(v)), bad: MAY_BE_ZERO },
  {
    option: "leaseMs",
    set: (v) => encryptStoredRecords(new MemoryTokenStore(), { leaseMs: asAny(v) }),
    bad: DURATION,
  },
  {
    option: "lockWaitMs",
    set: (v) => encryptStoredRecords(new MemoryTokenStore(), { lockWaitMs: asAny(v) }),
    bad: MAY_BE_ZERO,
  },
  {
    option: "leaseMs",
    set: (v) => new MemoryTokenStore().tryLock("1", asAny(v)),
    bad: [...DURATION, undefined],
  },
  { option: "leaseMs", set: (v) => new FileTokenStore({ directory }).tryLock("1", asAny(v)), bad: DURATION },
  {
    option: "leaseMs",
    set: (v) => new RedisTokenStore({ url: "redis://127.0.0.1:1" }).tryLock("1", asAny(v)),
    bad: DURATION,
  },
  {
    option: "leaseMs",
    set: (v) =>
      new PostgresTokenStore({ connectionString: "postgres://127.0.0.1:1/x" }).tryLock("1", asAny(v)),
    bad: DURATION,
  },
  { option: "limit", set: (v) => new MemoryTokenStore().listPage(asAny(v)), bad: [...COUNT, undefined] },
  // the limits every helper of a TokenManager shares
  {
    option: "maxConcurrent",
    set: (v) => new MemoryApiLimits({ maxConcurrent: asAny(v) }),
    bad: COUNT,
    good: 3,
  },
  { option: "perMinute", set: (v) => new MemoryApiLimits({ perMinute: asAny(v) }), bad: COUNT, good: 100 },
  {
    option: "batchPerMinute",
    set: (v) => new MemoryApiLimits({ batchPerMinute: asAny(v) }),
    bad: COUNT,
    good: 10,
  },
  // quickbooks(): retries, waits, timeout, batch size, minor version
  {
    option: "rateLimitRetries",
    set: (v) => qb({ rateLimitRetries: v }),
    bad: [-1, 1.5, NaN, SECRET],
    good: 0,
  },
  { option: "maxRetryAfterMs", set: (v) => qb({ maxRetryAfterMs: v }), bad: MAY_BE_ZERO, good: 0 },
  { option: "defaultRetryAfterMs", set: (v) => qb({ defaultRetryAfterMs: v }), bad: MAY_BE_ZERO, good: 1000 },
  { option: "timeoutMs", set: (v) => qb({ timeoutMs: v }), bad: DURATION, good: 1000 },
  { option: "batchSize", set: (v) => qb({ batchSize: v }), bad: [...COUNT, 31], good: 10 },
  { option: "minorVersion", set: (v) => qb({ minorVersion: v }), bad: [-1, 1.5, NaN, "75&x=1"], good: "70" },
  // per call
  { option: "timeoutMs", set: (v) => qb().get("customer/1", { timeoutMs: asAny(v) }), bad: DURATION },
  {
    option: "pageSize",
    set: (v) => qb().queryAll("select * from Customer", { pageSize: asAny(v) }),
    bad: [...COUNT, 1001],
  },
  {
    option: "maxObjects",
    set: (v) => qb().cdc(["Customer"], new Date(), { maxObjects: asAny(v) }),
    bad: COUNT,
  },
  { option: "batchSize", set: (v) => qb().batch([], { batchSize: asAny(v) }), bad: [...COUNT, 31] },
  {
    option: "maxBytes",
    set: (v) =>
      qb().upload({
        fileName: "a.pdf",
        contentType: "application/pdf",
        data: new Uint8Array(1),
        maxBytes: asAny(v),
      }),
    bad: COUNT,
  },
  // API limits and metering, in memory and in shared stores
  ...(
    [
      "maxConcurrent",
      "perMinute",
      "batchPerMinute",
      "batchPerMinuteAllApps",
      "reportsPerMinute",
      "otherPerMinute",
      "windowMs",
    ] as const
  ).map((option): Row => ({ option, set: (v) => new MemoryApiLimits({ [option]: v }), bad: COUNT, good: 5 })),
  { option: "budget", set: (v) => new MemoryApiLimits({ budget: asAny(v) }), bad: COUNT, good: 1000 },
  {
    option: "maxConcurrent",
    set: (v) => new RealmLimiter({ maxConcurrent: asAny(v), perMinute: 5 }),
    bad: COUNT,
    good: 1,
  },
  {
    option: "leaseMs",
    set: (v) => new RedisApiLimits({ url: "redis://127.0.0.1:1", leaseMs: asAny(v) }),
    bad: COUNT,
    good: 1000,
  },
  {
    option: "pollMs",
    set: (v) => new RedisApiLimits({ url: "redis://127.0.0.1:1", pollMs: asAny(v) }),
    bad: COUNT,
    good: 10,
  },
  {
    option: "leaseMs",
    set: (v) => new PostgresApiLimits({ connectionString: "postgres://127.0.0.1:1/x", leaseMs: asAny(v) }),
    bad: COUNT,
    good: 1000,
  },
  {
    option: "perMinute",
    set: (v) => new RedisApiLimits({ url: "redis://127.0.0.1:1", perMinute: asAny(v) }),
    bad: COUNT,
    good: 5,
  },
  // State stores and webhooks
  {
    option: "ttlMs",
    set: (v) => new MemoryStateStore().consume(["k"], asAny(v)),
    bad: [...COUNT, undefined],
  },
  {
    option: "ttlMs",
    set: (v) =>
      handleWebhookOnce("{}", "sig", "verifier", { store: new MemoryStateStore(), ttlMs: asAny(v) }),
    bad: COUNT,
  },
];

/** The error `fn` throws or rejects with. */
async function refusal(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  return assert.fail("the value was accepted");
}

function shown(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return "a string";
  if (value === null) return "null";
  if (value === undefined) return "required";
  return "";
}

describe("numeric options are refused by name", () => {
  for (const row of rows)
    for (const value of row.bad) {
      const label =
        typeof value === "string" ? "a string" : Array.isArray(value) ? "an array" : String(value);
      test(`${row.option}: ${label} → ConfigurationError naming it (${row.set.toString().slice(6, 60)}…)`, async () => {
        const err = await refusal(() => row.set(value));
        assert.ok(err instanceof ConfigurationError, `${row.option}=${label}: ${String(err)}`);
        assert.equal(err.code, "ERR_CONFIGURATION");
        assert.ok(err.message.startsWith(`${row.option} `), err.message);
        assert.ok(err.message.includes(shown(value)), err.message);
        assert.ok(!err.message.includes(SECRET), "a string value is never echoed");
      });
    }
});

test("each constructor row accepts a good value (so the refusals above are about the value)", () => {
  for (const row of rows)
    if (row.good !== undefined) assert.doesNotThrow(() => row.set(row.good), row.option);
});

test("the defaults are what the docs say, and an explicit undefined keeps them", () => {
  const client = authClient({ timeoutMs: undefined });
  assert.equal(client.config.http.timeoutMs, 30_000);
  assert.equal(client.config.clockToleranceSeconds, 30);
  const m = manager({ refreshMarginMs: undefined, lockLeaseMs: 20_000 });
  assert.equal(m.refreshMarginMs, 300_000);
  assert.equal(m.lockLeaseMs, 20_000);
  assert.equal(m.lockWaitMs, 30_000);
});
