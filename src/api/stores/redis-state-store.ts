// RedisStateStore: a StateStore in Redis for a fleet: each key is `SET NX PX`, all keys of a call in
// one script. Used for callback states and codes (AuthClient's `stateStore`) and webhook event ids
// (handleWebhookOnce). No Node built-in; the `redis` package is loaded on first use.
import { checkConsume, type StateStore } from "../../client/state-store.js";
import { RedisConnection, RedisScript, type RedisConnectionOptions } from "./redis-connection.js";

/** Options of {@link RedisStateStore}. Give `client` or `url`. */
export interface RedisStateStoreOptions extends RedisConnectionOptions {
  /** Prefix of every key. Default `intuit-oauth:state:`. */
  keyPrefix?: string;
  /** Redis Cluster: put every key in the slot of this hash tag, so one script touches one slot. */
  hashTag?: string;
}

// KEYS: the keys. ARGV: 1 ttl ms. Returns the 1-based positions of keys already set.
const CONSUME = new RedisScript(`
local seen = {}
for i, key in ipairs(KEYS) do
  if not redis.call('SET', key, '1', 'NX', 'PX', ARGV[1]) then seen[#seen + 1] = i end
end
return seen`);

/**
 * A StateStore in Redis, shared by every process of a fleet.
 *
 * @example
 * import { RedisStateStore } from "intuit-oauth-client/redis";
 * const stateStore = new RedisStateStore({ url: process.env.REDIS_URL });
 * const authClient = new AuthClient({ ...options, stateStore });
 */
export class RedisStateStore implements StateStore {
  readonly #redis: RedisConnection;
  readonly #prefix: string;

  constructor(options: RedisStateStoreOptions) {
    this.#redis = new RedisConnection(options, "RedisStateStore");
    const prefix = options.keyPrefix ?? "intuit-oauth:state:";
    this.#prefix = options.hashTag === undefined ? prefix : `${prefix}{${options.hashTag}}:`;
  }

  async consume(keys: readonly string[], ttlMs: number): Promise<string[]> {
    checkConsume(keys, ttlMs);
    if (keys.length === 0) return [];
    const reply = await this.#redis.script(
      "consume",
      CONSUME,
      keys.map((k) => this.#prefix + k),
      [String(ttlMs)],
    );
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
}
