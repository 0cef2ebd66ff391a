// The TokenStore conformance suite: every store (memory, file, Redis, PostgreSQL, or yours) must pass
// it. It tests only the TokenStore contract; it must not know how any particular store works inside,
// and it checks errors by `name` and `code`, never by class identity (it may run against another copy).
import { describe } from "node:test";
import { basicsConformance } from "./conformance-basics.js";
import { encryptionConformance } from "./conformance-encryption.js";
import { lockConformance } from "./conformance-locks.js";
import { pagingConformance } from "./conformance-paging.js";
import { printingConformance } from "./conformance-printing.js";
import { unreadableConformance } from "./conformance-unreadable.js";

export type { ReopenOptions, StoreFixture, StoreConformanceOptions, WithStore } from "./fixture.js";
import type { StoreConformanceOptions, StoreFixture, WithStore } from "./fixture.js";

/**
 * Registers the conformance tests for one store with `node:test`. `makeStore` is called once per
 * test and must return a store on empty storage.
 *
 * @example
 * import { storeConformance } from "intuit-oauth-client/store-kit/testing";
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
    printingConformance(withStore);
  });
}
