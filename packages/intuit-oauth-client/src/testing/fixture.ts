// What a store under test provides to the conformance suite (the fixture), and the helper type the
// suite's parts share. Types only, so the suite's files can share them without importing each other.
import type { TestContext } from "node:test";
import type { EncryptionKeys } from "../tokens/encryption.js";
import type { TokenStore } from "../tokens/store.js";

/** Options for {@link StoreFixture.reopen}: a second store on the same storage. */
export interface ReopenOptions {
  /**
   * The store's `encryptionKey`: one key (32 bytes), or a list of keys, the first for writing and
   * every one for reading (the suite rotates keys with it).
   */
  encryptionKey?: EncryptionKeys | undefined;
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
