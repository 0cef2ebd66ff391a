// The StateStore contract (mark keys used once, fleet-wide, for a while) and its in-memory kind,
// plus the callback rule built on it: a state, or a code, consumed once is refused everywhere after.
// Keys are hashes: no state or code is ever stored or logged. Portable: no Node built-in.
import { toBase64Url, utf8 } from "../common/bytes.js";
import { ConfigurationError } from "../common/errors.js";
import { positiveInt, REQUIRED } from "../common/options.js";
import { sha256 } from "../crypto/digest.js";
import { CallbackError } from "../oauth/callback.js";

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

/** A store key for a secret value: a prefix and the value's SHA-256, so the value is never stored. */
export function hashedKey(prefix: string, value: string): string {
  return `${prefix}${toBase64Url(sha256(utf8(value)))}`;
}

/** How long a used state or code is remembered by default: one day. */
export const DEFAULT_STATE_TTL_MS = 24 * 3600 * 1000;

/**
 * Consumes a callback's state and code in `store`; throws CallbackError `state_reused` (or
 * `code_reused`) when either was consumed before, anywhere that shares the store.
 */
export async function consumeCallback(
  store: StateStore,
  callback: { state?: string | undefined; code: string },
  ttlMs: number,
): Promise<void> {
  // The state first, then the code, in two steps: two servers racing with one callback must not each
  // win one key of the pair (a store that marks keys one by one would then refuse both).
  if (callback.state !== undefined) {
    const stateKey = hashedKey("callback-state:", callback.state);
    if ((await store.consume([stateKey], ttlMs)).length > 0)
      throw new CallbackError("state_reused", "This state was already used (on this server or another)");
  }
  const codeKey = hashedKey("callback-code:", callback.code);
  if ((await store.consume([codeKey], ttlMs)).length > 0)
    throw new CallbackError(
      "code_reused",
      "This authorization code was already exchanged (on this server or another)",
    );
}
