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

/** Options of {@link TokenStore.listPage} and {@link TokenStore.listDue}. */
export interface PageOptions extends ListOptions {
  /** The `cursor` of the previous page; omit it for the first page. */
  cursor?: string | undefined;
}

/** One page of records, and the cursor of the next page (undefined after the last page). */
export interface TokenPage {
  records: TokenRecord[];
  /** Pass it back to get the next page; undefined when there is none. Opaque: only the store reads it. */
  cursor: string | undefined;
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
   * Optional, for big stores: at most `limit` records, and the cursor of the next page. Following
   * the cursors from the first page to the last returns every record stored throughout exactly once
   * (a record written or deleted meanwhile may or may not appear), in an order of the store's choosing.
   * Unreadable records are skipped and reported as in `list`.
   */
  listPage?(limit: number, options?: PageOptions): Promise<TokenPage>;
  /**
   * Optional: the records whose access token expires at or before `before` (epoch ms), earliest
   * first, at most `limit` of them, and the cursor of the next page. A record with `reauthorization`
   * set is never listed. A store with an index by expiry makes refresh work grow with what is due,
   * not with what is stored; without it, TokenManager.refreshDue() filters `list()`.
   */
  listDue?(before: number, limit: number, options?: PageOptions): Promise<TokenPage>;
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
