// RedisStateStore: a StateStore in Redis for a fleet: each key is `SET NX PX`, all keys of a call in
// one script, under a mark of that call so a failed call can take back exactly its own keys. Used
// for callback states and codes (AuthClient's `stateStore`) and webhook event ids
// (handleWebhookOnce). No Node built-in; the `redis` package is loaded on first use.
import { checkConsume, type StateStore } from "../../state/state-store.js";
import { SharedStoreError } from "../../common/errors.js";
import { randomToken } from "../../crypto/random.js";
import { RedisConnection, RedisScript, type RedisConnectionOptions } from "./connection.js";
import { evictionProblem, readEvictionPolicy } from "./eviction.js";

/** Options of {@link RedisStateStore}. Give `client` or `url`. */
export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Prefix of every key. Default `intuit-oauth:state:`. */
  keyPrefix?: string;
  /** Redis Cluster: put every key in the slot of this hash tag, so one script touches one slot. */
  hashTag?: string;
  /**
   * Work on a Redis whose `maxmemory-policy` may evict keys with a TTL (anything but `noeviction`,
   * or a policy it will not tell). Under memory pressure a used state, code or webhook event can
   * then be evicted early and accepted again. Default false: the store refuses such a server.
   */
  allowEviction?: boolean;
}

// KEYS: the keys. ARGV: 1 ttl ms, 2 the call's mark. Returns the 1-based positions of keys already set.
// (Redis never stops a script half way: it refuses a write past maxmemory only before the first.)
const CONSUME = new RedisScript(`
local seen = {}
for i, key in ipairs(KEYS) do
  if not redis.call('SET', key, ARGV[2], 'NX', 'PX', ARGV[1]) then seen[#seen + 1] = i end
end
return seen`);

// KEYS: the keys. ARGV: 1 the call's mark. Deletes the keys that still hold it.
const UNDO = new RedisScript(`
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`);

/**
 * A StateStore in Redis, shared by every process of a fleet. At first use it checks that the server
 * will not evict its keys (`maxmemory-policy noeviction`), unless `allowEviction`.
 *
 * @example
 * import { RedisStateStore } from "intuit-oauth-client/redis";
 * const stateStore = new RedisStateStore({ url: process.env.REDIS_URL });
 * const authClient = new AuthClient({ ...options, stateStore });
 */
export class RedisStateStore implements StateStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;
  #checked: Promise<void> | undefined;

  constructor(options: RedisStateStoreOptions) {
    this.#redis = new RedisConnection(options, "RedisStateStore");
    const prefix = options.keyPrefix ?? "intuit-oauth:state:";
    this.#prefix = options.hashTag === undefined ? prefix : `${prefix}{${options.hashTag}}:`;
    if (options.allowEviction === true) this.#checked = Promise.resolve();
  }

  async consume(keys: readonly string[], ttlMs: number): Promise<string[]> {
    checkConsume(keys, ttlMs);
    if (keys.length === 0) return [];
    await this.#checkEviction();
    const stored = keys.map((k) => this.#prefix + k);
    const mark = randomToken(16);
    let reply: unknown;
    try {
      reply = await this.#redis.script("consume", CONSUME, stored, [String(ttlMs), mark]);
    } catch (err) {
      // The script may have run with its answer lost: take back this call's keys, and only them,
      // so a redelivery is not refused as a duplicate.
      await this.#redis.script("consume", UNDO, stored, [mark]).catch(() => {});
      throw err;
    }
    const seen = new Set((Array.isArray(reply) ? reply : []).map((i) => Number(i) - 1));
    // A key given twice is marked by its first occurrence and seen by the second.
    return keys.filter((_, i) => seen.has(i));
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#redis.command("release", ["DEL", ...keys.map((k) => this.#prefix + k)]);
  }

  /** Closes the client created from `url`; a client you passed in stays open. */
  close(): Promise<void> {
    return this.#redis.close();
  }

  /** Reads the server's eviction policy once (again after a failed read) and refuses an evicting one. */
  #checkEviction(): Promise<void> {
    this.#checked ??= (async () => {
      const policy = await this.#redis.withClient("eviction check", (c) =>
        readEvictionPolicy((args) => c.sendCommand(args)),
      );
      const problem = evictionProblem("RedisStateStore", policy);
      if (problem) throw new SharedStoreError(problem);
    })().catch((e: unknown) => {
      this.#checked = undefined;
      throw e;
    });
    return this.#checked;
  }
}
