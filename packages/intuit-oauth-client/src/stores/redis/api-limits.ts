// RedisApiLimits: Intuit's per-realm limits and the metered-call counts held in Redis or Redis
// Cluster, so they hold across a fleet. Each admission attempt is one Lua script (releases carried,
// leases reclaimed, queue, pause, slots, minute budgets, hard cap and the count, atomically, on
// Redis's clock); every key carries one hash tag, so each script touches one cluster slot.
// No Node built-in; the `redis` package is loaded on first use.
import {
  SharedApiLimits,
  type BackendSettings,
  type LimitsBackend,
  type SharedApiLimitsOptions,
  type SharedAttempt,
  type SharedAttemptResult,
} from "../../api/shared-limits.js";
import { SharedStoreError } from "../../common/errors.js";
import type { MeterClass, MeterCounts } from "../../api/metering.js";
import { replyPairs } from "./client.js";
import { keyPart, RedisConnection, RedisScript, type RedisConnectionOptions } from "./connection.js";
import { checkHashTag, checkKeyPrefix, taggedPrefix } from "./keys.js";

/** Options of {@link RedisApiLimits}. Give `client` or `url` (with `cluster: true` for a Redis Cluster). */
export interface RedisApiLimitsOptions extends SharedApiLimitsOptions, RedisConnectionOptions {
  /** Prefix of every key, without `{` or `}`. Default `intuit-oauth:`. */
  keyPrefix?: string;
  /**
   * The hash tag every key carries (`<keyPrefix>{<hashTag>}:…`), so that on a Redis Cluster each
   * script's keys (a realm's, the app's counts, the realm's all-apps budget) share one slot. Default `api`.
   */
  hashTag?: string;
}

// KEYS: 1 pause, 2 slots (zset token → lease end), 3 queue (zset lane → time queued),
//       4 queue leases (zset lane → end), 5 app counts (hash), 6 realm counts (hash), 7.. budgets (zsets)
// ARGV: 1 lane, 2 token, 3 lease ms, 4 max in flight, 5 window ms, 6 class ("" unmetered),
//       7 budget (0: none), 8 hard cap (1/0), 9 mark 80%, 10 mark 95%, 11 counts TTL ms,
//       12 queue grace ms, 13 realm id, 14 realm share (0: none), 15 n budgets, 16.. budget limits,
//       then slots to release
// Returns {1, CorePlus count} granted, {0, wait ms or -1 to poll} refused, {2, count} over budget,
// {3, realm's CorePlus count} over the realm's share.
const ATTEMPT = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lane, token, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local maxc, window, class = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local budget, hard = tonumber(ARGV[7]), ARGV[8] == '1'
local nrate = tonumber(ARGV[15])
for i = 16 + nrate, #ARGV do redis.call('ZREM', KEYS[2], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
for _, l in ipairs(gone) do redis.call('ZREM', KEYS[3], l) redis.call('ZREM', KEYS[4], l) end
if class == 'corePlus' and hard and budget > 0 then
  local used = tonumber(redis.call('HGET', KEYS[5], 'corePlus') or '0')
  if used >= budget then return {2, used} end
end
local share = tonumber(ARGV[14])
if class == 'corePlus' and share > 0 then
  local mine = tonumber(redis.call('HGET', KEYS[6], ARGV[13] .. '|corePlus') or '0')
  if mine >= share then return {3, mine} end
end
local wait = -1
local room = maxc - redis.call('ZCARD', KEYS[2])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then room = 0 wait = paused - now end
for i = 1, nrate do
  local key, limit = KEYS[6 + i], tonumber(ARGV[15 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local free = limit - redis.call('ZCARD', key)
  if free < room then room = free end
  if free <= 0 then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if room > 0 and redis.call('ZCARD', KEYS[3]) > 0 then
  local rank = redis.call('ZRANK', KEYS[3], lane)
  if not rank or rank >= room then room = 0 end
end
if room <= 0 then
  if not redis.call('ZSCORE', KEYS[3], lane) then redis.call('ZADD', KEYS[3], now, lane) end
  local keep = now + math.max(wait, 0) + tonumber(ARGV[12])
  redis.call('ZADD', KEYS[4], keep, lane)
  redis.call('PEXPIRE', KEYS[3], keep - now + lease)
  redis.call('PEXPIRE', KEYS[4], keep - now + lease)
  return {0, wait}
end
redis.call('ZADD', KEYS[2], now + lease, token)
redis.call('PEXPIRE', KEYS[2], lease * 2)
redis.call('ZREM', KEYS[3], lane)
redis.call('ZREM', KEYS[4], lane)
for i = 1, nrate do
  redis.call('ZADD', KEYS[6 + i], now, token)
  redis.call('PEXPIRE', KEYS[6 + i], window)
end
local used = 0
if class ~= '' then
  local n = redis.call('HINCRBY', KEYS[5], class, 1)
  redis.call('HINCRBY', KEYS[6], ARGV[13] .. '|' .. class, 1)
  if n == 1 then redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[11])) end
  redis.call('PEXPIRE', KEYS[6], tonumber(ARGV[11]))
  if class == 'corePlus' then used = n end
end
return {1, used}
`);

// KEYS: 1 app counts, 2 realm counts. ARGV: 1 class, 2 realm id. Gives back one count, never below 0.
const REFUND = new RedisScript(`
local field = ARGV[2] .. '|' .. ARGV[1]
if tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
if tonumber(redis.call('HGET', KEYS[2], field) or '0') > 0 then redis.call('HINCRBY', KEYS[2], field, -1) end
return 1`);

// KEYS: 1 slots. ARGV: slots to release.
const RELEASE = new RedisScript(`for i = 1, #ARGV do redis.call('ZREM', KEYS[1], ARGV[i]) end return 1`);

// KEYS: 1 slots. ARGV: 1 lease ms, then slots to renew (a slot already reclaimed stays gone).
const RENEW = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], lease * 2)
return 1`);

// KEYS: 1 pause. ARGV: 1 ms. Only ever extends a pause.
const PAUSE = new RedisScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
if untilMs > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1]) end
return 1`);

// Counts are kept about two months past their last write, so last month's stay readable.
const COUNTS_TTL_MS = 62 * 24 * 3600 * 1000;

class RedisLimitsBackend implements LimitsBackend {
  readonly #redis: RedisConnection;
  readonly #settings: BackendSettings;
  readonly #base: string;
  readonly #app: string;

  constructor(redis: RedisConnection, settings: BackendSettings, base: string) {
    this.#redis = redis;
    this.#settings = settings;
    this.#base = base;
    this.#app = keyPart(settings.metering.app);
  }

  async attempt(a: SharedAttempt): Promise<SharedAttemptResult> {
    const realm = keyPart(a.realmId);
    const { limits, metering, leaseMs, graceMs } = this.#settings;
    const keys = [
      this.#key("pause", realm),
      this.#key("slots", realm),
      this.#key("queue", realm),
      this.#key("queue-lease", realm),
      `${this.#base}counts:${this.#app}:${a.month}`,
      `${this.#base}realm-counts:${this.#app}:${a.month}`,
      ...a.buckets.map((b) =>
        b.scope === "app" ? this.#key(`rate-${b.name}`, realm) : `${this.#base}rate-${b.name}:${realm}`,
      ),
    ];
    const args = [
      a.lane,
      a.token,
      String(leaseMs),
      String(limits.maxConcurrent),
      String(limits.windowMs),
      a.meterClass ?? "",
      String(metering.budget ?? 0),
      metering.hardCap ? "1" : "0",
      String(metering.marks[0]),
      String(metering.marks[1]),
      String(COUNTS_TTL_MS),
      String(graceMs),
      a.realmId,
      String(metering.realmShare ?? 0),
      String(a.buckets.length),
      ...a.buckets.map((b) => String(b.limit)),
      ...a.releases,
    ];
    const reply = await this.#redis.script("acquire", ATTEMPT, keys, args);
    const [status, value] = Array.isArray(reply) ? reply.map(Number) : [];
    if (status === 1) return { status: "granted", used: value ?? 0 };
    if (status === 2) return { status: "overBudget", used: value ?? 0 };
    if (status === 3) return { status: "overRealmShare", used: value ?? 0 };
    if (status === 0)
      return { status: "refused", waitMs: value === undefined || value < 0 ? undefined : value };
    throw new SharedStoreError(`Redis: unexpected reply from the limits script: ${JSON.stringify(reply)}`);
  }

  async release(realmId: string, tokens: readonly string[]): Promise<void> {
    await this.#redis.script("release", RELEASE, [this.#key("slots", keyPart(realmId))], tokens);
  }

  async renew(realmId: string, tokens: readonly string[]): Promise<void> {
    const key = this.#key("slots", keyPart(realmId));
    await this.#redis.script("renew", RENEW, [key], [String(this.#settings.leaseMs), ...tokens]);
  }

  async pause(realmId: string, ms: number): Promise<void> {
    await this.#redis.script("pause", PAUSE, [this.#key("pause", keyPart(realmId))], [String(ms)]);
  }

  async refund(realmId: string, meterClass: MeterClass, month: string): Promise<void> {
    const keys = [
      `${this.#base}counts:${this.#app}:${month}`,
      `${this.#base}realm-counts:${this.#app}:${month}`,
    ];
    await this.#redis.script("refund", REFUND, keys, [meterClass, realmId]);
  }

  async usage(
    month: string,
    realms: boolean,
  ): Promise<{ total: MeterCounts; realms?: Record<string, MeterCounts> }> {
    const countsKey = `${this.#base}counts:${this.#app}:${month}`;
    const total = replyPairs(await this.#redis.command("usage", ["HGETALL", countsKey], countsKey));
    const out: { total: MeterCounts; realms?: Record<string, MeterCounts> } = {
      total: { core: Number(total.get("core") ?? 0), corePlus: Number(total.get("corePlus") ?? 0) },
    };
    if (realms) {
      const realmsKey = `${this.#base}realm-counts:${this.#app}:${month}`;
      const fields = replyPairs(await this.#redis.command("usage", ["HGETALL", realmsKey], realmsKey));
      // Keys are realm ids: without a prototype, no id (`__proto__`) can be anything but a key.
      const byRealm = Object.create(null) as Record<string, MeterCounts>;
      for (const [field, value] of fields) {
        const bar = field.lastIndexOf("|");
        const realmId = field.slice(0, bar);
        const cls = field.slice(bar + 1);
        if (cls !== "core" && cls !== "corePlus") continue;
        const counts = (byRealm[realmId] ??= { core: 0, corePlus: 0 });
        counts[cls] = Number(value);
      }
      out.realms = byRealm;
    }
    return out;
  }

  close(): Promise<void> {
    return this.#redis.close();
  }

  #key(name: string, realm: string): string {
    return `${this.#base}${name}:${this.#app}:${realm}`;
  }
}

/**
 * Intuit's per-realm limits (10 in flight, 500 a minute, batch 40 a minute…) and the App Partner
 * Program's metered-call counts, held in Redis or Redis Cluster for a whole fleet. One script per
 * admission; slots are leases, so a crashed process's slots come back after `leaseMs`.
 *
 * @example
 * import { RedisApiLimits } from "intuit-oauth-client/redis";
 * const apiLimits = new RedisApiLimits({ url: process.env.REDIS_URL, app: clientId, budget: 500_000 });
 * apiLimits.on("budgetApproaching", (e) => log.warn(e, "CorePlus budget"));
 * const tokens = new TokenManager({ authClient, store, apiLimits });
 * const qb = quickbooks(tokens, realmId); // every helper of `tokens` goes through `apiLimits`
 */
export class RedisApiLimits extends SharedApiLimits {
  constructor(options: RedisApiLimitsOptions) {
    const redis = new RedisConnection(options, "RedisApiLimits", SharedStoreError);
    const base = taggedPrefix(
      checkKeyPrefix(options.keyPrefix ?? "intuit-oauth:", "RedisApiLimits"),
      checkHashTag(options.hashTag ?? "api", "RedisApiLimits"),
    );
    super(options, (settings) => new RedisLimitsBackend(redis, settings, base));
  }
}
