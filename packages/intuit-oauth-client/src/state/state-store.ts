// The StateStore contract: mark keys used once, fleet-wide, for a while. The callback check (a state,
// or a code, consumed once is refused everywhere after) and webhook de-duplication use it; the stores
// that keep it live in src/stores/<backend>. Portable: no Node built-in.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt, REQUIRED } from "../common/options.js";

/**
 * Remembers which keys were used, for `ttlMs`, so each is accepted once across every process that
 * shares the store. Kinds: `MemoryStateStore` (one process), `FileStateStore` (one machine),
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
