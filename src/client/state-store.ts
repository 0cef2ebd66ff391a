// The StateStore contract (mark keys used once, fleet-wide, for a while) and its in-memory kind.
// Keys are hashes: no state or code is ever stored or logged. Portable: no Node built-in.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt, REQUIRED } from "../common/options.js";

/**
 * Remembers which keys were used, for `ttlMs`, so each is accepted once across every process that
 * shares the store. Kinds: {@link MemoryStateStore} (one process), `FileStateStore` (one machine),
 * `RedisStateStore` and `PostgresStateStore` (a fleet). The callback check of `AuthClient`
 * (`stateStore` option) and `handleWebhookOnce` use it.
 */
export interface StateStore {
  /**
   * Marks every key used until `ttlMs` from now, atomically per key, and resolves with the keys that
   * were already marked (an empty list: this caller was the first for all of them).
   */
  consume(keys: readonly string[], ttlMs: number): Promise<string[]>;
  /** Unmarks keys, so they can be consumed again (a webhook delivery that could not be handled). */
  release(keys: readonly string[]): Promise<void>;
}

/** Checks the arguments every StateStore takes. */
export function checkConsume(keys: readonly string[], ttlMs: number): void {
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string" || k === "" || k.length > 512))
    throw new ConfigurationError("keys must be non-empty strings of at most 512 characters");
  positiveInt("ttlMs", ttlMs, REQUIRED);
}

/** Options of {@link MemoryStateStore}. */
export interface MemoryStateStoreOptions {
  /** Epoch ms. Default `Date.now`. */
  clock?: () => number;
}

/**
 * A StateStore in this process's memory: enough for one server (and the default of AuthClient,
 * which also remembers its own used states). Expired keys are swept as the map grows.
 *
 * @example
 * const authClient = new AuthClient({ ...options, stateStore: new MemoryStateStore() });
 */
export class MemoryStateStore implements StateStore {
  readonly #used = new Map<string, number>();
  readonly #clock: () => number;
  #sweepAt = 1024;

  constructor(options: MemoryStateStoreOptions = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  /** Keys held now (expired ones may still count until the next sweep). */
  get size(): number {
    return this.#used.size;
  }

  async consume(keys: readonly string[], ttlMs: number): Promise<string[]> {
    checkConsume(keys, ttlMs);
    const now = this.#clock();
    if (this.#used.size >= this.#sweepAt) this.#sweep(now);
    const seen: string[] = [];
    for (const key of keys) {
      const until = this.#used.get(key);
      if (until !== undefined && until > now) seen.push(key);
      else this.#used.set(key, now + ttlMs);
    }
    return seen;
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#used.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, until] of this.#used) if (until <= now) this.#used.delete(key);
    this.#sweepAt = Math.max(1024, this.#used.size * 2);
  }
}

// The key of a secret value (its hash). The callback rule built on the store, single use of a state
// and a code, lives with the one exchange function (src/oauth/single-use.ts).
export { hashedKey } from "../crypto/hashed-key.js";
