// MemoryTokenStore: records in a Map, for tests and single-process scripts. Locks have real leases
// so it behaves like the shared stores under the manager.
import { randomUUID } from "node:crypto";
import type { TokenRecord, TokenStore } from "../store.js";

/** Keeps tokens in memory. Lost when the process exits. */
export class MemoryTokenStore implements TokenStore {
  readonly #records = new Map<string, TokenRecord>();
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();

  async get(realmId: string): Promise<TokenRecord | undefined> {
    return this.#records.get(realmId);
  }
  async set(record: TokenRecord): Promise<void> {
    // A frozen copy: readers share it cheaply and nobody can change it behind the store's back.
    this.#records.set(record.realmId, deepFreeze(structuredClone(record)));
  }
  async delete(realmId: string): Promise<void> {
    this.#records.delete(realmId);
  }
  async list(): Promise<TokenRecord[]> {
    return [...this.#records.values()];
  }
  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    const now = Date.now();
    const held = this.#locks.get(realmId);
    if (held && held.expiresAt > now) return undefined;
    const owner = randomUUID();
    this.#locks.set(realmId, { owner, expiresAt: now + leaseMs });
    return owner;
  }
  async unlock(realmId: string, owner: string): Promise<void> {
    if (this.#locks.get(realmId)?.owner === owner) this.#locks.delete(realmId);
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
