// RedisStateStore: a StateStore in Redis or Redis Cluster for a fleet: each key is `SET NX PX`, all
// keys of a call in one script, under a mark of that call so a failed call can take back exactly its
// own keys. Every key carries one hash tag, so the script touches one cluster slot. Used for callback
// states and codes (AuthClient's `stateStore`) and webhook event ids (handleWebhookOnce). No Node
// built-in; the `redis` package is loaded on first use.
import { checkConsume, type StateStore } from "../../state/state-store.js";
import { SharedStoreError } from "../../common/errors.js";
import { randomToken } from "../../crypto/random.js";
import { RedisConnection, RedisScript, type RedisConnectionOptions } from "./connection.js";
import { evictionProblem, readEvictionPolicies } from "./eviction.js";
import { checkHashTag, checkKeyPrefix, taggedPrefix } from "./keys.js";

/** Options of {@link RedisStateStore}. Give `client` or `url` (with `cluster: true` for a Redis Cluster). */
export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Prefix of every key, without `{` or `}`. Default `intuit-oauth:`. */
  keyPrefix?: string;
  /**
   * The hash tag every key carries (`<keyPrefix>{<hashTag>}:<key>`), so that on a Redis Cluster a
   * call's keys share one slot. Default `state`.
   */
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

// What an evicting server may lose, for the refusal's message.
const STATE_RISK = "a used state, code or webhook event evicted early is accepted again";

// KEYS: the keys. ARGV: 1 the call's mark. Deletes the keys that still hold it.
const UNDO = new RedisScript(`
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`);

/**
 * A StateStore in Redis or Redis Cluster, shared by every process of a fleet. At first use it checks
 * that no server (no master of a cluster) will evict its keys (`maxmemory-policy noeviction`), unless
 * `allowEviction`.
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
    this.#redis = new RedisConnection(options, "RedisStateStore", SharedStoreError);
    this.#prefix = taggedPrefix(
      checkKeyPrefix(options.keyPrefix ?? "intuit-oauth:", "RedisStateStore"),
      checkHashTag(options.hashTag ?? "state", "RedisStateStore"),
    );
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
    const stored = keys.map((k) => this.#prefix + k);
    await this.#redis.command("release", ["DEL", ...stored], stored[0]);
  }

  /** Closes the client created from `url`; a client you passed in stays open. */
  close(): Promise<void> {
    return this.#redis.close();
  }

  /**
   * Reads the eviction policy of every server (every master of a cluster) once, again after a failed
   * read, and refuses an evicting one.
   */
  #checkEviction(): Promise<void> {
    this.#checked ??= (async () => {
      const policies = await this.#redis.run("eviction check", readEvictionPolicies);
      const problem = evictionProblem("RedisStateStore", policies, STATE_RISK);
      if (problem) throw new SharedStoreError(problem);
    })().catch((e: unknown) => {
      this.#checked = undefined;
      throw e;
    });
    return this.#checked;
  }
}
