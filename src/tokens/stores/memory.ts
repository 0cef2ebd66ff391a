// MemoryTokenStore: records in a Map, for tests and single-process scripts. Locks have real leases
// and realm ids follow the one rule, so it behaves like the shared stores under the manager.
import { randomUUID } from "../../crypto/random.js";
import { checkRealmId, compareRealmIds } from "../realm-id.js";
import { copyRecord } from "../record.js";
import type { TokenRecord, TokenStore } from "../store.js";

/** Keeps tokens in memory. Lost when the process exits. */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();

  // Copies in and out, as every other store hands out fresh records: a caller changing a record it
  // got (or gave) never changes what is stored.
  async get(realmId: string): Promise<TokenRecord | undefined> {
    const record = this.#records.get(checkRealmId(realmId));
    return record && copyRecord(record);
  }
  async set(record: TokenRecord): Promise<void> {
    this.#records.set(checkRealmId(record.realmId), copyRecord(record));
  }
  async delete(realmId: string): Promise<void> {
    this.#records.delete(checkRealmId(realmId));
  }
  /** Every record, ascending by realmId. A memory store holds no unreadable record. */
  async list(): Promise<TokenRecord[]> {
    return [...this.#records.values()].sort((a, b) => compareRealmIds(a.realmId, b.realmId)).map(copyRecord);
  }
  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    checkRealmId(realmId);
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
