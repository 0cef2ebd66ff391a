// MemoryTokenStore: records in a Map, for tests and single-process scripts. Locks have real leases
// and realm ids follow the one rule, so it behaves like the shared stores under the manager.
import { positiveMs, REQUIRED } from "../../common/options.js";
import { randomUUID } from "../../crypto/random.js";
import { checkRealmId, compareRealmIds } from "../../tokens/realm-id.js";
import { dueRecordsPage, realmIdsPage } from "../../tokens/paging.js";
import { copyRecord, freezeRecord } from "../../tokens/record.js";
import type { PageOptions, TokenPage, TokenRecord, TokenStore } from "../../tokens/store.js";

/** Keeps tokens in memory. Lost when the process exits. */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();

  // A frozen copy in, the same frozen record out (as every store returns frozen records): a caller
  // can change neither what it gave nor what it got, and a read costs no copy.
  async get(realmId: string): Promise<TokenRecord | undefined> {
    // A key found was checked when it was set: the id check runs only on a miss (the hot path is a hit).
    const record = this.#records.get(realmId);
    if (record !== undefined) return record;
    checkRealmId(realmId);
    return undefined;
  }
  async set(record: TokenRecord): Promise<void> {
    this.#records.set(checkRealmId(record.realmId), freezeRecord(copyRecord(record)));
  }
  async delete(realmId: string): Promise<void> {
    this.#records.delete(checkRealmId(realmId));
  }
  /** Every record, ascending by realmId. A memory store holds no unreadable record. */
  async list(): Promise<TokenRecord[]> {
    return [...this.#records.values()].sort((a, b) => compareRealmIds(a.realmId, b.realmId));
  }
  /** At most `limit` records in realm-id order, and the cursor of the next page. */
  async listPage(limit: number, options: PageOptions = {}): Promise<TokenPage> {
    const page = realmIdsPage([...this.#records.keys()], limit, options.cursor);
    const records = page.realmIds.flatMap((r) => {
      const record = this.#records.get(r);
      return record ? [record] : [];
    });
    return { records, cursor: page.cursor };
  }
  /** Records due by `before`, earliest first (a scan: a memory store is small). */
  async listDue(before: number, limit: number, options: PageOptions = {}): Promise<TokenPage> {
    const page = dueRecordsPage(this.#records.values(), before, limit, options.cursor);
    return { records: page.records, cursor: page.cursor };
  }
  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    checkRealmId(realmId);
    positiveMs("leaseMs", leaseMs, REQUIRED);
    const now = Date.now();
    const held = this.#locks.get(realmId);
    if (held && held.expiresAt > now) return undefined;
    const owner = randomUUID();
    this.#locks.set(realmId, { owner, expiresAt: now + leaseMs });
    return owner;
  }
  async unlock(realmId: string, owner: string): Promise<void> {
    if (this.#locks.get(checkRealmId(realmId))?.owner === owner) this.#locks.delete(realmId);
  }
}
