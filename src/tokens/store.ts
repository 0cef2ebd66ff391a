// The storage contract the TokenManager owns. Stores (memory, file, Redis, PostgreSQL, or yours)
// implement it; they know nothing of OAuth. A store must make `set` atomic: a reader sees the whole
// previous record or the whole new one, never a mix, and a failed `set` leaves the previous one.
import type { TokenSet } from "../oauth/token-set.js";
import type { UnreadableRecordError } from "./store-errors.js";

export { TokenStoreError } from "./store-errors.js";

/** Why a realm needs the user to connect again. */
export type ReauthorizationReason = "invalid_grant" | "refresh_token_expired" | "refresh_token_hard_expired";

/** Everything stored for one realm (QuickBooks company). */
export interface TokenRecord {
  realmId: string;
  token: TokenSet;
  /** Present when the grant is dead; cleared only by TokenManager.save with a new grant. */
  reauthorization?:
    | {
        reason: ReauthorizationReason;
        /** OAuth error code, e.g. `invalid_grant`. */
        error?: string | undefined;
        errorDescription?: string | undefined;
        intuitTid?: string | undefined;
        /** When it was detected (epoch ms). */
        at: number;
      }
    | undefined;
  /** Hard-expiry warnings already raised, in days (30, 7). */
  warningsSent?: number[] | undefined;
  /** When the record was last written (epoch ms). */
  updatedAt: number;
}

/** Options of {@link TokenStore.list}. */
export interface ListOptions {
  /** Called once for each record that is skipped because it cannot be read. */
  onUnreadable?: (error: UnreadableRecordError) => void;
}

/**
 * Where token records live, plus a lock with a lease. Implement this to use your own database.
 * Every method may be called concurrently from many processes.
 */
export interface TokenStore {
  /**
   * The record of a realm, or undefined. A record that cannot be read, or that belongs to another
   * realm, rejects with UnreadableRecordError. An invalid realm id rejects with InvalidRealmIdError.
   */
  get(realmId: string): Promise<TokenRecord | undefined>;
  /** Writes a record atomically (all or nothing). */
  set(record: TokenRecord): Promise<void>;
  /** Removes a realm's record. Removing a missing realm is not an error. */
  delete(realmId: string): Promise<void>;
  /**
   * Every readable record, ascending by realmId (plain string comparison), as fresh copies. A record
   * that cannot be read is skipped and reported through `onUnreadable`; it never fails the list.
   */
  list(options?: ListOptions): Promise<TokenRecord[]>;
  /**
   * Tries to take the realm's refresh lock for `leaseMs`. Resolves with an owner token when taken,
   * or `undefined` when another owner holds an unexpired lease. Must not wait.
   */
  tryLock(realmId: string, leaseMs: number): Promise<string | undefined>;
  /** Releases the lock if `owner` still holds it; otherwise does nothing. */
  unlock(realmId: string, owner: string): Promise<void>;
  /** Releases resources (connections). Optional. */
  close?(): Promise<void>;
}
