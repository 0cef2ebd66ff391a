// Single use of a callback's state and code, for the one exchange function (token-endpoint.ts),
// whichever door a caller takes: the config's own bounded record first (this process), then the
// shared store's consume when the config has one (every process that shares it). Both hold hashes,
// never a state or a code. A second exchange of one code makes Intuit revoke the grant, so a code
// seen before is refused before anything is sent.
import { hashedKey } from "../crypto/hashed-key.js";
import { CallbackError } from "./callback.js";

/** The part of a StateStore the exchange uses; every StateStore (memory, file, Redis, PostgreSQL) has it. */
export interface CallbackStore {
  /** Marks keys used for `ttlMs`; resolves with those that already were. */
  consume(keys: readonly string[], ttlMs: number): Promise<string[]>;
}

/** A callback to exchange: its code, and its state when it came with one. */
export interface CallbackValues {
  readonly state?: string | undefined;
  readonly code: string;
}

/** How long a used state or code is remembered by default: one day. */
export const DEFAULT_STATE_TTL_MS = 24 * 3600 * 1000;

/** How many used states and codes a config remembers in memory; beyond it the oldest is forgotten. */
export const MAX_USED_CALLBACKS = 10_000;

const stateKey = (state: string) => hashedKey("callback-state:", state);
const codeKey = (code: string) => hashedKey("callback-code:", code);

/**
 * Consumes a callback's state, then its code, in `store`; throws CallbackError `state_reused` (or
 * `code_reused`) when either was consumed before, anywhere that shares the store.
 */
export async function consumeCallback(
  store: CallbackStore,
  callback: CallbackValues,
  ttlMs: number,
): Promise<void> {
  // Two steps, not one list: two servers racing with one callback must not each win one key of the
  // pair (a store that marks keys one by one, as the file store does, would then refuse both).
  if (callback.state !== undefined && (await store.consume([stateKey(callback.state)], ttlMs)).length > 0)
    throw new CallbackError("state_reused", "This state was already used (on this server or another)");
  if ((await store.consume([codeKey(callback.code)], ttlMs)).length > 0)
    throw new CallbackError(
      "code_reused",
      "This authorization code was already exchanged (on this server or another)",
    );
}

/** Options of {@link UsedCallbacks}. */
export interface UsedCallbacksOptions {
  /** Epoch ms. */
  clock: () => number;
  /** How long a used state or code is remembered, ms. */
  ttlMs: number;
  /** Where used states and codes are also marked, across processes. */
  store?: CallbackStore | undefined;
  /** At most this many are remembered in memory. Default {@link MAX_USED_CALLBACKS}. */
  max?: number | undefined;
}

/**
 * The states and codes one config has exchanged: a bounded in-memory record with expiry, and the
 * shared store when there is one. Owned by its config, so two clients never share one by accident.
 */
export class UsedCallbacks {
  /** Hashed key → expiry (epoch ms), oldest first. */
  readonly #until = new Map<string, number>();
  readonly #clock: () => number;
  readonly #max: number;
  /** How long a used state or code is remembered, ms. */
  readonly ttlMs: number;
  /** The shared store, when the config has one. */
  readonly store: CallbackStore | undefined;

  constructor(options: UsedCallbacksOptions) {
    this.#clock = options.clock;
    this.ttlMs = options.ttlMs;
    this.store = options.store;
    this.#max = options.max ?? MAX_USED_CALLBACKS;
  }

  /** Entries held in memory now (expired ones may count until the next mark). */
  get size(): number {
    return this.#until.size;
  }

  /** Whether this config has used `state` (in memory; the shared store is not asked). */
  hasState(state: string): boolean {
    const until = this.#until.get(stateKey(state));
    return until !== undefined && until > this.#clock();
  }

  /**
   * Claims a callback for exchange: refuses a state or a code used before (CallbackError
   * `state_reused` or `code_reused`), marks both in memory, then in the shared store. When the store
   * fails, this process's marks are taken back, so the callback can be tried again: nothing was sent.
   */
  async claim(callback: CallbackValues): Promise<void> {
    const marked: string[] = [];
    if (callback.state !== undefined) {
      const key = stateKey(callback.state);
      if (!this.#mark(key)) throw new CallbackError("state_reused", "This state was already used");
      marked.push(key);
    }
    const key = codeKey(callback.code);
    if (!this.#mark(key))
      throw new CallbackError("code_reused", "This authorization code was already exchanged");
    marked.push(key);
    if (this.store === undefined) return;
    try {
      await consumeCallback(this.store, callback, this.ttlMs);
    } catch (err) {
      if (!(err instanceof CallbackError)) for (const k of marked) this.#until.delete(k);
      throw err;
    }
  }

  /** Marks `key` used; false when it already was and has not expired. */
  #mark(key: string): boolean {
    const now = this.#clock();
    const until = this.#until.get(key);
    if (until !== undefined && until > now) return false;
    this.#until.delete(key);
    // Oldest first: drop the expired ones at the front, and the oldest beyond the bound.
    for (const [k, u] of this.#until) {
      if (u > now && this.#until.size < this.#max) break;
      this.#until.delete(k);
    }
    this.#until.set(key, now + this.ttlMs);
    return true;
  }
}
