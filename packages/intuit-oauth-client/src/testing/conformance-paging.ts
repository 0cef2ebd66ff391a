// Conformance: the optional paging methods. listPage pages cover every record once; listDue lists
// due records earliest first, never a grant marked for reauthorization, follows writes and deletes,
// and its cursor survives the refreshes made between pages. Skipped for a store without them.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PageOptions, TokenPage, TokenRecord, TokenStore } from "../tokens/store.js";
import type { UnreadableRecordError } from "../tokens/store-errors.js";
import { assertUnreadable } from "./assert-unreadable.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

const NO_PAGE = "the store has no listPage";
const NO_DUE = "the store has no listDue";
const T = 1_760_000_000_000;

type ListDue = (before: number, limit: number, options?: PageOptions) => Promise<TokenPage>;
type ListPage = (limit: number, options?: PageOptions) => Promise<TokenPage>;

/** A record without reauthorization whose access token expires at `at`. */
function expiring(realmId: string, at: number): TokenRecord {
  const r = minimalRecord(realmId);
  r.token.accessTokenExpiresAt = at;
  return r;
}

/** Every page of `next`, following the cursors (at most `maxPages`, against a looping cursor). */
async function allPages(
  next: (cursor: string | undefined) => Promise<TokenPage>,
  maxPages = 1000,
): Promise<TokenRecord[][]> {
  const pages: TokenRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await next(cursor);
    assert.ok(Array.isArray(page.records), "a page has records");
    assert.ok(page.cursor === undefined || typeof page.cursor === "string", "a cursor is a string");
    pages.push(page.records);
    cursor = page.cursor;
    assert.ok(pages.length <= maxPages, "the cursors end");
  } while (cursor !== undefined);
  return pages;
}

const ids = (records: TokenRecord[]) => records.map((r) => r.realmId);

function pageOf(store: TokenStore): ListPage | undefined {
  return store.listPage?.bind(store);
}
function dueOf(store: TokenStore): ListDue | undefined {
  return store.listDue?.bind(store);
}

/** Registers the tests of listPage and listDue. */
export function pagingConformance(withStore: WithStore): void {
  test(
    "listPage: following the cursors returns every record exactly once, at most `limit` a page",
    withStore(async ({ store }, t) => {
      const listPage = pageOf(store);
      if (!listPage) return t.skip(NO_PAGE);
      assert.deepEqual(
        await listPage(10),
        { records: [], cursor: undefined },
        "an empty store: one empty page",
      );
      const realms = [
        "9",
        "10",
        "100",
        "2",
        "0010",
        "99999999999999999999",
        "1",
        "46",
        "4620816365",
        "7",
        "77",
      ];
      for (const r of realms) await store.set(fullRecord(r));
      for (const limit of [1, 3, 11, 50]) {
        const pages = await allPages((cursor) => listPage(limit, { cursor }));
        for (const page of pages) assert.ok(page.length <= limit, `a page of at most ${limit}`);
        const seen = pages.flat();
        assert.deepEqual(ids(seen).sort(), [...realms].sort(), `limit ${limit}: every record once`);
        for (const r of seen) assert.deepEqual(r, fullRecord(r.realmId));
        if (limit >= realms.length) assert.equal(pages.length, 1, "one page when everything fits");
      }
      for (const bad of [0, -1, 1.5])
        await assert.rejects(listPage(bad), { name: "ConfigurationError" }, `limit ${bad}`);
      await assert.rejects(listPage(1, { cursor: "not a cursor of this store" }), {
        name: "ConfigurationError",
      });
    }),
  );

  test(
    "listPage: a realm deleted before its page is not returned; unreadable records are skipped and reported",
    withStore(async (f, t) => {
      const listPage = pageOf(f.store);
      if (!listPage) return t.skip(NO_PAGE);
      const realms = Array.from({ length: 9 }, (_, i) => `462081636${i}`);
      for (const r of realms) await f.store.set(minimalRecord(r));
      const first = await listPage(3);
      assert.equal(first.records.length, 3);
      const rest = realms.filter((r) => !ids(first.records).includes(r));
      const gone = rest[0] ?? "";
      await f.store.delete(gone);
      const later = (await allPages((cursor) => listPage(3, { cursor: cursor ?? first.cursor }))).flat();
      assert.deepEqual(ids([...first.records, ...later]).sort(), realms.filter((r) => r !== gone).sort());
      if (!f.writeRaw) return;
      await f.writeRaw("4620816399", "{not json");
      const reported: UnreadableRecordError[] = [];
      const all = (
        await allPages((cursor) => listPage(2, { cursor, onUnreadable: (e) => reported.push(e) }))
      ).flat();
      assert.deepEqual(ids(all).sort(), realms.filter((r) => r !== gone).sort());
      assert.equal(reported.length, 1);
      assertUnreadable(reported[0], { realmId: "4620816399" });
    }),
  );

  test(
    "listDue: due records earliest first (inclusive bound), never one marked for reauthorization",
    withStore(async ({ store }, t) => {
      const listDue = dueOf(store);
      if (!listDue) return t.skip(NO_DUE);
      assert.deepEqual(await listDue(T, 10), { records: [], cursor: undefined });
      const marked = fullRecord("4620816390"); // has reauthorization; its access token expired long ago
      marked.token.accessTokenExpiresAt = T - 1000;
      await store.set(marked);
      await store.set(expiring("4620816391", T + 500));
      await store.set(expiring("4620816383", T + 200));
      await store.set(expiring("4620816381", T + 100));
      await store.set(expiring("4620816382", T + 200));
      await store.set(expiring("4620816392", T - 50));
      // Expired refresh token, not yet marked: still due (the manager marks it when it gets there).
      const unnoticed = expiring("4620816393", T - 100);
      unnoticed.token.refreshTokenExpiresAt = T - 10;
      await store.set(unnoticed);
      await store.delete("4620816392");

      const page = await listDue(T + 200, 10);
      assert.equal(page.cursor, undefined);
      assert.deepEqual(ids(page.records.slice(0, 2)), ["4620816393", "4620816381"]);
      assert.deepEqual(
        ids(page.records.slice(2)).sort(),
        ["4620816382", "4620816383"],
        "ties in either order",
      );
      assert.deepEqual(page.records[0], unnoticed, "whole records");
      assert.deepEqual(ids((await listDue(T + 99, 10)).records), ["4620816393"]);
      assert.deepEqual(
        ids((await listDue(T + 100, 10)).records),
        ["4620816393", "4620816381"],
        "the bound is inclusive",
      );
      assert.deepEqual(ids((await listDue(T - 101, 10)).records), []);
      await assert.rejects(listDue(T, 0), { name: "ConfigurationError" });
      await assert.rejects(listDue(T, 1, { cursor: "not a cursor of this store" }), {
        name: "ConfigurationError",
      });
    }),
  );

  test(
    "listDue follows writes: a new expiry moves a record, marking removes it, a new grant brings it back",
    withStore(async ({ store }, t) => {
      const listDue = dueOf(store);
      if (!listDue) return t.skip(NO_DUE);
      for (const [r, at] of [
        ["4620816381", T + 1],
        ["4620816382", T + 2],
        ["4620816383", T + 3],
      ] as const)
        await store.set(expiring(r, at));
      const due = async () => ids((await listDue(T + 10, 10)).records);
      assert.deepEqual(await due(), ["4620816381", "4620816382", "4620816383"]);
      await store.set(expiring("4620816381", T + 3600_000)); // refreshed
      assert.deepEqual(await due(), ["4620816382", "4620816383"]);
      await store.set(expiring("4620816381", T)); // expiry moved earlier (a new grant)
      assert.deepEqual(await due(), ["4620816381", "4620816382", "4620816383"]);
      await store.set({
        ...expiring("4620816382", T + 2),
        reauthorization: { reason: "invalid_grant", at: T },
      });
      assert.deepEqual(await due(), ["4620816381", "4620816383"]);
      await store.set(expiring("4620816382", T + 2)); // reconnected
      assert.deepEqual(await due(), ["4620816381", "4620816382", "4620816383"]);
      await store.delete("4620816383");
      assert.deepEqual(await due(), ["4620816381", "4620816382"]);
    }),
  );

  test(
    "listDue: the cursor pages through ties once each, and survives refreshes made between pages",
    withStore(async ({ store }, t) => {
      const listDue = dueOf(store);
      if (!listDue) return t.skip(NO_DUE);
      // 12 due records: three groups of four with one expiry each, and 3 not due.
      const due = Array.from({ length: 12 }, (_, i) =>
        expiring(`91303500000000${String(i).padStart(2, "0")}`, T + Math.floor(i / 4)),
      );
      for (const r of due) await store.set(r);
      for (const r of ["9130350000000097", "9130350000000098", "9130350000000099"])
        await store.set(expiring(r, T + 60_000));
      for (const limit of [1, 3, 5, 12]) {
        const pages = await allPages((cursor) => listDue(T + 10, limit, { cursor }));
        for (const page of pages) assert.ok(page.length <= limit);
        const seen = pages.flat();
        assert.deepEqual(ids(seen).sort(), ids(due), `limit ${limit}: every due record once`);
        const times = seen.map((r) => r.token.accessTokenExpiresAt);
        assert.deepEqual(
          times,
          [...times].sort((a, b) => a - b),
          "earliest first across pages",
        );
      }
      // What refreshDue does: take a page, refresh it (its records leave the window), take the next.
      const refreshed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await listDue(T + 10, 5, { cursor });
        for (const r of page.records) {
          refreshed.push(r.realmId);
          await store.set(expiring(r.realmId, T + 3_600_000));
        }
        cursor = page.cursor;
      } while (cursor !== undefined);
      assert.deepEqual([...refreshed].sort(), ids(due));
      assert.deepEqual((await listDue(T + 10, 50)).records, []);
    }),
  );
}
