// The documented path from plaintext (and old enc:v1:) records to enc:v2:, and from an old key to a
// new one: rewrite every record of a store through the store itself (which reads with every key it
// has and writes with the first), each under the realm's refresh lock so no refresh is overwritten.
// It uses only the TokenStore interface; it must not know how any store keeps its data.
import { nonNegativeMs, positiveMs } from "../common/options.js";
import type { UnreadableRecordError } from "./store-errors.js";
import type { TokenStore } from "./store.js";

/** Options of {@link encryptStoredRecords}. */
export interface EncryptStoredRecordsOptions {
  /** Lease of each realm's lock while its record is rewritten. Default 30 s. */
  leaseMs?: number;
  /** How long to wait for a realm whose lock another holder has; then it is reported as busy. Default 10 s. */
  lockWaitMs?: number;
}

/** What {@link encryptStoredRecords} did. Realm ids are in list() order. */
export interface EncryptStoredRecordsResult {
  /** Realms whose record was read and written back (now in the store's current format). */
  rewritten: string[];
  /** Realms left as they were because another holder kept their lock: run again later. */
  busy: string[];
  /** Records the store cannot read even in migration mode (no key opens them, corrupt, another realm). */
  unreadable: UnreadableRecordError[];
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Rewrites every readable record of `store` with `set`, which writes the store's current format
 * under its first key. Open the store with your key and `allowPlaintextRecords: true`, run this
 * once, then open it without the switch: plaintext and `enc:v1:` records become `enc:v2:` (bound
 * to their realm). To rotate, open it with `encryptionKey: [newKey, oldKey]`: records under the old
 * key are read with it and written under the new one, and the old key can then be removed.
 * Safe while apps run: each realm is rewritten under its refresh lock, and re-read under it.
 *
 * @example
 * const store = new FileTokenStore({ encryptionKey: [newKey, oldKey], allowPlaintextRecords: true });
 * const { rewritten, busy, unreadable } = await encryptStoredRecords(store);
 */
export async function encryptStoredRecords(
  store: TokenStore,
  options: EncryptStoredRecordsOptions = {},
): Promise<EncryptStoredRecordsResult> {
  const leaseMs = positiveMs("leaseMs", options.leaseMs, 30_000);
  const lockWaitMs = nonNegativeMs("lockWaitMs", options.lockWaitMs, 10_000);
  const result: EncryptStoredRecordsResult = { rewritten: [], busy: [], unreadable: [] };
  const records = await store.list({ onUnreadable: (e) => result.unreadable.push(e) });
  for (const { realmId } of records) {
    const owner = await lock(store, realmId, leaseMs, lockWaitMs);
    if (owner === undefined) {
      result.busy.push(realmId);
      continue;
    }
    try {
      // Re-read under the lock: a refresh may have written a newer record since list().
      const current = await store.get(realmId).catch((e: unknown) => {
        if ((e as { code?: unknown })?.code !== "ERR_UNREADABLE_RECORD") throw e;
        result.unreadable.push(e as UnreadableRecordError);
        return undefined;
      });
      if (current) {
        await store.set(current);
        result.rewritten.push(realmId);
      }
    } finally {
      await store.unlock(realmId, owner);
    }
  }
  result.unreadable.sort((a, b) => (a.realmId < b.realmId ? -1 : a.realmId > b.realmId ? 1 : 0));
  return result;
}

async function lock(store: TokenStore, realmId: string, leaseMs: number, waitMs: number) {
  const started = Date.now();
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const owner = await store.tryLock(realmId, leaseMs);
    if (owner !== undefined || Date.now() - started >= waitMs) return owner;
    await wait(Math.min(delay, Math.max(1, waitMs - (Date.now() - started))));
  }
}
