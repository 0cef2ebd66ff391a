// MemoryStateStore: a StateStore in this process's memory, enough for one server (and the default of
// AuthClient, which also remembers its own used states). Expired keys are swept as the map grows.
import { checkConsume, type StateStore } from "../../state/state-store.js";

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
