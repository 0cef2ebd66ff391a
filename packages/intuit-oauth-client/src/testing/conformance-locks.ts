// Conformance: the refresh lock. Exclusive until its owner unlocks, a lease that expires, exactly
// one winner among concurrent callers, and an unlock that only the current owner can do.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { WithStore } from "./fixture.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Registers the tests of the refresh lock. */
export function lockConformance(withStore: WithStore): void {
  test(
    "tryLock is exclusive until unlocked by its owner",
    withStore(async ({ store }) => {
      const owner = await store.tryLock("4620816361", 10_000);
      assert.equal(typeof owner, "string");
      assert.ok(owner);
      assert.equal(await store.tryLock("4620816361", 10_000), undefined);
      // Other realms have their own locks.
      const other = await store.tryLock("4620816362", 10_000);
      assert.equal(typeof other, "string");
      await store.unlock("4620816361", "not-the-owner");
      assert.equal(await store.tryLock("4620816361", 10_000), undefined);
      await store.unlock("4620816361", owner);
      const again = await store.tryLock("4620816361", 10_000);
      assert.equal(typeof again, "string");
      assert.notEqual(again, owner);
      // The old owner cannot release the new owner's lock.
      await store.unlock("4620816361", owner);
      assert.equal(await store.tryLock("4620816361", 10_000), undefined);
    }),
  );

  test(
    "an expired lease lets another owner in",
    withStore(async ({ store }) => {
      const first = await store.tryLock("4620816361", 150);
      assert.equal(typeof first, "string");
      assert.equal(await store.tryLock("4620816361", 150), undefined);
      await sleep(400);
      const second = await store.tryLock("4620816361", 10_000);
      assert.equal(typeof second, "string");
      assert.notEqual(second, first);
      // The expired owner's unlock must not free the new owner's lock.
      await store.unlock("4620816361", first ?? "");
      assert.equal(await store.tryLock("4620816361", 10_000), undefined);
    }),
  );

  test(
    "20 concurrent tryLocks: exactly one owner",
    withStore(async ({ store }) => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () => store.tryLock("4620816363", 10_000)),
      );
      const owners = results.filter((o) => o !== undefined);
      assert.equal(owners.length, 1);
      assert.equal(results.filter((o) => o === undefined).length, 19);
    }),
  );
}
