// A TokenStore in the Worker's memory: FOR DEMONSTRATION ONLY. An isolate's memory belongs to one
// isolate in one location, is lost whenever Cloudflare evicts it, and is not shared with the others
// serving your Worker; tokens kept here vanish and users must reconnect. See README.md for KV,
// Durable Objects and D1. This file is also the template for one: six methods, records copied in/out.
import { checkRealmId, compareRealmIds, copyRecord, type TokenRecord, type TokenStore } from "./library.js";

/** Keeps token records in a Map for the life of the isolate. Demonstration only (see the header). */
export class DemoTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();

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

  async list(): Promise<TokenRecord[]> {
    return [...this.#records.values()].sort((a, b) => compareRealmIds(a.realmId, b.realmId)).map(copyRecord);
  }

  // The refresh lock. In memory it only orders requests of this isolate; a shared store needs an
  // atomic "take it if free" (a Durable Object, or D1's INSERT … ON CONFLICT), which KV lacks.
  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    checkRealmId(realmId);
    const held = this.#locks.get(realmId);
    if (held && held.expiresAt > Date.now()) return undefined;
    const owner = crypto.randomUUID();
    this.#locks.set(realmId, { owner, expiresAt: Date.now() + leaseMs });
    return owner;
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    if (this.#locks.get(checkRealmId(realmId))?.owner === owner) this.#locks.delete(realmId);
  }
}
