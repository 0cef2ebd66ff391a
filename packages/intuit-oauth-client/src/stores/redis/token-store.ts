// RedisTokenStore: token records and refresh locks in Redis or Redis Cluster, for fleets of app
// servers. It reaches Redis through the one Redis connection (connection.ts), which loads the `redis`
// package on first use; it must never be imported by the core. Key layout: keys.ts.
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../common/errors.js";
import { toLogger, type Logger, type LoggerLike } from "../../common/logger.js";
import { positiveMs, REQUIRED } from "../../common/options.js";
import { checkBefore, checkLimit, decodeCursor, dueAt, encodeCursor } from "../../tokens/paging.js";
import { checkRealmId, compareRealmIds, isValidRealmId } from "../../tokens/realm-id.js";
import { recordCodec, type RecordCodec, type RecordCodecOptions } from "../../tokens/record-codec.js";
import { TokenStoreError, UnreadableRecordError } from "../../tokens/store-errors.js";
import type { ListOptions, PageOptions, TokenPage, TokenRecord, TokenStore } from "../../tokens/store.js";
import { compareBytes, replyScored, replyText, replyTexts, type RedisSender } from "./client.js";
import { RedisConnection, RedisScript, runScript, type RedisConnectionOptions } from "./connection.js";
import { evictionProblem } from "./eviction.js";
import { bucketKeys, bucketOf, checkKeyPrefix, REDIS_BUCKETS, redisTokenStoreKeys } from "./keys.js";
import {
  persistenceProblem,
  readPersistence,
  RedisPersistenceError,
  type RedisPersistence,
} from "./persistence.js";

export type { RedisClientLike, RedisClusterLike } from "./client.js";
export { REDIS_BUCKETS, redisTokenStoreKeys, type RedisRealmKeys } from "./keys.js";
export { RedisPersistenceError } from "./persistence.js";
export type { RedisPersistence, RedisPersistenceLevel, RedisServerPersistence } from "./persistence.js";

/** Options of {@link RedisTokenStore}. Give `client` or `url` (with `cluster: true` for a Redis Cluster). */
export interface RedisTokenStoreOptions extends RecordCodecOptions, RedisConnectionOptions {
  /** Prefix of every key the store writes; without `{` or `}`. Default `intuit-oauth:`. */
  keyPrefix?: string | undefined;
  /**
   * Refuse to work (RedisPersistenceError) unless every server has the append-only file on. By
   * default the store only warns. Checked at first use.
   */
  requirePersistence?: boolean | undefined;
  /**
   * Work on a Redis whose `maxmemory-policy` may evict keys (anything but `noeviction`, or a policy
   * it will not tell). Under memory pressure a token record (`allkeys-*`) or a refresh lock, whose
   * lease is a TTL (`volatile-*` too), can then be evicted: a lost record is a lost grant, and a lost
   * lock lets two servers refresh one realm at once. Default false: the store refuses such a server
   * with RedisPersistenceError.
   */
  allowEviction?: boolean | undefined;
  /** Where the persistence warning goes. Default: `process.emitWarning`. */
  logger?: LoggerLike | undefined;
}

// Record and index changes run as Lua scripts rather than MULTI: both are atomic, but a script
// stops at the first failing command (e.g. WRONGTYPE), while MULTI runs the rest anyway. The
// fallible index changes come first, so a failed `set` leaves the previous record untouched. Every
// key a script touches carries the realm's bucket tag: one slot on a cluster.
// KEYS: record, realms, due. ARGV: realm id, value, expiry ("" when never due).
const SET_SCRIPT = new RedisScript(`redis.call("ZADD", KEYS[2], 0, ARGV[1])
if ARGV[3] == "" then redis.call("ZREM", KEYS[3], ARGV[1]) else redis.call("ZADD", KEYS[3], ARGV[3], ARGV[1]) end
redis.call("SET", KEYS[1], ARGV[2]) return 1`);
// KEYS: record, realms, due. ARGV: realm id.
const DELETE_SCRIPT =
  new RedisScript(`redis.call("ZREM", KEYS[2], ARGV[1]) redis.call("ZREM", KEYS[3], ARGV[1])
redis.call("DEL", KEYS[1]) return 1`);
// Compare-and-delete: only the owner that took the lock may release it.
const UNLOCK_SCRIPT = new RedisScript(
  `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`,
);
// What an evicting server may lose, for the refusal's message.
const EVICTION_RISK =
  "a token record (a lost grant) or a refresh lock (two servers refreshing one realm at once) can be evicted";
// MGET in slices so one read never builds a giant command.
const MGET_CHUNK = 500;

// Once per process and finding, like Node's own warnings: a per-process concern by design.
const warned = new Set<string>();

/**
 * Keeps tokens in Redis or Redis Cluster. Realms are spread over 16 hash-tagged buckets: the keys
 * of a realm (record, lock) and of its bucket (a realms index and an expiry index) share one slot.
 * See docs/stores.md for the layout and docs/fleet.md for running many servers on it.
 *
 * @example
 * import { RedisTokenStore } from "intuit-oauth-client/redis";
 * const store = new RedisTokenStore({ url: process.env.REDIS_URL, requirePersistence: true });
 * const tokens = new TokenManager({ authClient, store });
 */
export class RedisTokenStore implements TokenStore {
  readonly #prefix: string;
  readonly #codec: RecordCodec;
  readonly #connection: RedisConnection;
  readonly #requirePersistence: boolean;
  readonly #allowEviction: boolean;
  readonly #logger: Logger | undefined;
  #checked: Promise<RedisPersistence> | undefined;

  constructor(options: RedisTokenStoreOptions) {
    this.#connection = new RedisConnection(options, "RedisTokenStore", TokenStoreError);
    this.#prefix = checkKeyPrefix(options.keyPrefix ?? "intuit-oauth:");
    this.#codec = recordCodec(options);
    this.#requirePersistence = options.requirePersistence === true;
    this.#allowEviction = options.allowEviction === true;
    this.#logger = options.logger ? toLogger(options.logger) : undefined;
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    const keys = redisTokenStoreKeys(checkRealmId(realmId), this.#prefix);
    return this.#run("read", async (r) => {
      const text = await r.send(["GET", keys.record], keys.record);
      return text === null || text === undefined ? undefined : this.#parse(realmId, text, keys.record);
    });
  }

  async set(record: TokenRecord): Promise<void> {
    const value = this.#codec.encode(record);
    const keys = redisTokenStoreKeys(record.realmId, this.#prefix);
    const due = dueAt(record);
    // One script, so the indexes never disagree with the record.
    await this.#run("write", (r) =>
      runScript(
        r,
        SET_SCRIPT,
        [keys.record, keys.realms, keys.due],
        [record.realmId, value, due === undefined ? "" : String(due)],
      ),
    );
  }

  async delete(realmId: string): Promise<void> {
    const keys = redisTokenStoreKeys(checkRealmId(realmId), this.#prefix);
    await this.#run("delete", (r) =>
      runScript(r, DELETE_SCRIPT, [keys.record, keys.realms, keys.due], [realmId]),
    );
  }

  // Indexes of realm ids rather than SCAN: SCAN walks every key of the database (other apps'
  // too), may return a key twice, and gives no snapshot; the indexes are exact and updated in the
  // same script as the record.
  async list(options: ListOptions = {}): Promise<TokenRecord[]> {
    return this.#run("list", async (r) => {
      const buckets = await Promise.all(
        Array.from({ length: REDIS_BUCKETS }, async (_, b) => {
          const key = bucketKeys(this.#prefix, b).realms;
          return this.#members(b, key, replyTexts(await r.send(["ZRANGE", key, "0", "-1"], key)), options);
        }),
      );
      const records = await this.#read(r, buckets.flat(), options);
      return records.sort((a, b) => compareRealmIds(a.realmId, b.realmId));
    });
  }

  /**
   * At most `limit` records and the next cursor: bucket by bucket, realm ids in byte order within
   * a bucket. Reads only the page's records.
   */
  async listPage(limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkLimit(limit);
    const after = decodeCursor(options.cursor);
    if (after && !(Number.isInteger(after[0]) && after[0] >= 0 && after[0] < REDIS_BUCKETS))
      throw new ConfigurationError("Not a cursor this store returned");
    return this.#run("list", async (r) => {
      const found: Array<{ bucket: number; realmId: string }> = [];
      for (let b = after ? after[0] : 0; b < REDIS_BUCKETS && found.length <= limit; b++) {
        const key = bucketKeys(this.#prefix, b).realms;
        const min = after && b === after[0] ? `(${after[1]}` : "-";
        const want = String(limit + 1 - found.length);
        const members = replyTexts(await r.send(["ZRANGEBYLEX", key, min, "+", "LIMIT", "0", want], key));
        found.push(...this.#members(b, key, members, options));
      }
      const page = found.slice(0, limit);
      const last = page[page.length - 1];
      return {
        records: await this.#read(r, page, options),
        cursor: found.length > limit && last ? encodeCursor(last.bucket, last.realmId) : undefined,
      };
    });
  }

  /**
   * Records whose access token expires by `before`, earliest first, from the per-bucket expiry
   * indexes (merged): the work grows with what is due, not with what is stored.
   */
  async listDue(before: number, limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkBefore(before);
    checkLimit(limit);
    const after = decodeCursor(options.cursor);
    return this.#run("list", async (r) => {
      const perBucket = await Promise.all(
        Array.from({ length: REDIS_BUCKETS }, (_, b) => this.#dueInBucket(r, b, before, limit + 1, after)),
      );
      const merged = perBucket
        .flat()
        .sort((x, y) => x.score - y.score || compareBytes(x.realmId, y.realmId))
        .slice(0, limit + 1);
      const page = merged.slice(0, limit);
      const last = page[page.length - 1];
      return {
        records: await this.#read(r, page, options),
        cursor: merged.length > limit && last ? encodeCursor(last.score, last.realmId) : undefined,
      };
    });
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    const key = redisTokenStoreKeys(checkRealmId(realmId), this.#prefix).lock;
    const owner = randomUUID();
    const px = String(Math.max(1, Math.ceil(positiveMs("leaseMs", leaseMs, REQUIRED))));
    const reply = await this.#run("lock", (r) => r.send(["SET", key, owner, "NX", "PX", px], key));
    return reply === null || reply === undefined ? undefined : owner;
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    const key = redisTokenStoreKeys(checkRealmId(realmId), this.#prefix).lock;
    await this.#run("unlock", (r) => runScript(r, UNLOCK_SCRIPT, [key], [owner]));
  }

  /**
   * The persistence and eviction policy of every Redis server the store uses (every master of a
   * cluster), read once at first use: for health checks and monitoring.
   */
  persistence(): Promise<RedisPersistence> {
    return this.#connection.run("persistence check", (r) => this.#checkPersistence(r));
  }

  /** Closes the client the store created from `url`. A client you passed in stays open. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** Members of a bucket's realms index that are valid realm ids of that bucket; the rest reported. */
  #members(bucket: number, key: string, members: string[], options: ListOptions) {
    const out: Array<{ bucket: number; realmId: string }> = [];
    for (const realmId of members) {
      if (isValidRealmId(realmId) && bucketOf(realmId) === bucket) out.push({ bucket, realmId });
      else
        options.onUnreadable?.(
          new UnreadableRecordError(
            `The realms index ${key} holds a member that is not a realm id of its bucket`,
            {
              realmId,
              reason: "bad_name",
              location: key,
            },
          ),
        );
    }
    return out;
  }

  /** Up to `n` entries of a bucket's expiry index due by `before`, after the cursor, in index order. */
  async #dueInBucket(
    r: RedisSender,
    bucket: number,
    before: number,
    n: number,
    after: [number, string] | undefined,
  ): Promise<Array<{ bucket: number; realmId: string; score: number }>> {
    const key = bucketKeys(this.#prefix, bucket).due;
    const out: Array<{ bucket: number; realmId: string; score: number }> = [];
    const min = after ? String(after[0]) : "-inf";
    // Members with the cursor's own score come first; those at or before the cursor are skipped.
    for (let offset = 0; out.length < n; offset += n) {
      const reply = await r.send(
        ["ZRANGEBYSCORE", key, min, String(before), "WITHSCORES", "LIMIT", String(offset), String(n)],
        key,
      );
      const entries = replyScored(reply);
      for (const [realmId, score] of entries) {
        if (after && score === after[0] && compareBytes(realmId, after[1]) <= 0) continue;
        if (isValidRealmId(realmId) && bucketOf(realmId) === bucket) out.push({ bucket, realmId, score });
        if (out.length >= n) break;
      }
      if (entries.length < n) break;
    }
    return out;
  }

  /** The records of `realms` (in that order), one MGET per bucket; missing ones are gone. */
  async #read(
    r: RedisSender,
    realms: Array<{ bucket: number; realmId: string }>,
    options: ListOptions,
  ): Promise<TokenRecord[]> {
    const values = new Map<string, unknown>();
    const byBucket = new Map<number, string[]>();
    for (const { bucket, realmId } of realms)
      byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), realmId]);
    await Promise.all(
      [...byBucket.values()].map(async (ids) => {
        for (let i = 0; i < ids.length; i += MGET_CHUNK) {
          const chunk = ids.slice(i, i + MGET_CHUNK);
          const keys = chunk.map((id) => redisTokenStoreKeys(id, this.#prefix).record);
          const reply = await r.send(["MGET", ...keys], keys[0]);
          const list = Array.isArray(reply) ? reply : [];
          chunk.forEach((id, j) => values.set(id, list[j]));
        }
      }),
    );
    const records: TokenRecord[] = [];
    for (const { realmId } of realms) {
      const v = values.get(realmId);
      // A realm deleted between the index read and MGET reads as null: it is simply gone.
      if (v === null || v === undefined) continue;
      try {
        records.push(this.#parse(realmId, v, redisTokenStoreKeys(realmId, this.#prefix).record));
      } catch (e) {
        if (!(e instanceof UnreadableRecordError)) throw e;
        options.onUnreadable?.(e);
      }
    }
    return records;
  }

  #parse(realmId: string, value: unknown, location: string): TokenRecord {
    const text = replyText(value);
    if (text === undefined)
      throw new UnreadableRecordError(
        `The stored tokens of realm ${realmId} (${location}) are not a string`,
        {
          realmId,
          location,
          reason: "corrupt",
        },
      );
    return this.#codec.decode(text, { realmId, location });
  }

  /** Checks persistence once (again after a refusal or a failed check), then runs `fn`. */
  #run<T>(what: string, fn: (r: RedisSender) => Promise<T>): Promise<T> {
    return this.#connection.run(what, async (r) => {
      await this.#checkPersistence(r);
      return fn(r);
    });
  }

  #checkPersistence(r: RedisSender): Promise<RedisPersistence> {
    this.#checked ??= (async () => {
      const persistence = await readPersistence(r);
      const policies = persistence.servers.map((s) => ({ server: s.server, policy: s.maxmemoryPolicy }));
      const evicts = evictionProblem("RedisTokenStore", policies, EVICTION_RISK);
      if (evicts && !this.#allowEviction) throw new RedisPersistenceError(evicts, persistence);
      const problem = persistenceProblem(persistence);
      if (problem && this.#requirePersistence)
        throw new RedisPersistenceError(`${problem}. Refused: requirePersistence is set`, persistence);
      if (problem) {
        const fields = { servers: persistence.servers.map((s) => `${s.server}: ${s.level}`) };
        if (this.#logger) this.#logger.warn(fields, `intuit-oauth-client: ${problem}`);
        else if (!warned.has(problem)) {
          // Once per process and finding, like Node's own warnings.
          warned.add(problem);
          process.emitWarning(problem, {
            type: "IntuitOAuthWarning",
            code: "INTUIT_OAUTH_REDIS_NOT_PERSISTENT",
          });
        }
      }
      return persistence;
    })().catch((e: unknown) => {
      this.#checked = undefined;
      throw e;
    });
    return this.#checked;
  }
}
