// The callback rule built on a StateStore (src/state/): a state, or a code, consumed once is refused
// everywhere after. Keys are hashes: no state or code is ever stored or logged. Portable: no Node built-in.
import { toBase64Url, utf8 } from "../common/bytes.js";
import { sha256 } from "../crypto/digest.js";
import { CallbackError } from "../oauth/callback.js";
import type { StateStore } from "../state/state-store.js";

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
