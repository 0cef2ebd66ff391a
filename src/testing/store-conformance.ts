// The TokenStore conformance suite: every store (memory, file, Redis, PostgreSQL, or yours) must pass
// it. It tests only the TokenStore contract; it must not know how any particular store works inside,
// and it checks errors by `name` and `code`, never by class identity (it may run against another copy).
import { describe, type TestContext } from "node:test";
import type { TokenStore } from "../tokens/store.js";
import { basicsConformance } from "./conformance-basics.js";
import { encryptionConformance } from "./conformance-encryption.js";
import { lockConformance } from "./conformance-locks.js";
import { pagingConformance } from "./conformance-paging.js";
import { unreadableConformance } from "./conformance-unreadable.js";

/** Options for {@link StoreFixture.reopen}: a second store on the same storage. */
export interface ReopenOptions {
  /** The store's `encryptionKey` (32 bytes). */
  encryptionKey?: Buffer | undefined;
  /** The store's migration switch: accept plaintext and `enc:v1:` records despite a key. */
  allowPlaintextRecords?: boolean | undefined;
}

/** One store under test, on fresh (empty) storage. */
export interface StoreFixture {
  /** The store, without an encryption key (unless INTUIT_OAUTH_ENCRYPTION_KEY is set). */
  store: TokenStore;
  /** Closes the store and removes what the test stored. */
  cleanup(): Promise<void>;
  /**
   * Writes raw stored text for a realm behind the store's back, creating or replacing it, exactly
   * where the store keeps that realm's record (its key, file or row). Without it, the tests of
   * stored data (bad records, records copied between realms, migration) are skipped.
   */
  writeRaw?(realmId: string, text: string): Promise<void>;
  /** Reads the raw stored text of a realm, or undefined. */
  readRaw?(realmId: string): Promise<string | undefined>;
  /** Opens another store on the same storage with these options (for the encryption tests). */
  reopen?(options: ReopenOptions): Promise<TokenStore>;
}

/** Options of {@link storeConformance}. */
export interface StoreConformanceOptions {
  /** A reason to skip the whole suite (e.g. server missing), or false. */
  skip?: string | false;
}

/** Runs a test body with a fresh fixture and always cleans up. */
export type WithStore = (
  body: (fixture: StoreFixture, t: TestContext) => Promise<void>,
) => (t: TestContext) => Promise<void>;

/**
 * Registers the conformance tests for one store with `node:test`. `makeStore` is called once per
 * test and must return a store on empty storage.
 *
 * @example
 * import { storeConformance } from "intuit-oauth-client/testing";
 * storeConformance("MyStore", async () => {
 *   const store = new MyStore({ url: process.env.MY_DB_URL, namespace: randomUUID() });
 *   return { store, cleanup: async () => { await store.drop(); await store.close(); } };
 * });
 */
export function storeConformance(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: StoreConformanceOptions = {},
): void {
  const withStore: WithStore = (body) => async (t) => {
    const fixture = await makeStore();
    try {
      await body(fixture, t);
    } finally {
      await fixture.cleanup();
    }
  };
  describe(`${name}: TokenStore conformance`, { skip: options.skip ?? false }, () => {
    basicsConformance(withStore);
    lockConformance(withStore);
    unreadableConformance(withStore);
    encryptionConformance(withStore);
    pagingConformance(withStore);
  });
}
