// TokenManager.refreshDue over the store's listDue: pages through what is due (never list()),
// falls back to list() for a store without listDue, skips stale index entries, marks newly dead
// grants once, and a page of failures never stalls the pages after it. A counting TokenClient
// stands in for Intuit (the manager needs nothing else); the multi-process proof is in
// refresh-due-fleet.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MemoryTokenStore,
  NetworkError,
  TokenManager,
  type PageOptions,
  type TokenClient,
  type TokenPage,
  type TokenRecord,
  type TokenSet,
  type TokenStore,
} from "../../src/index.js";

const NOW = 1_800_000_000_000;
const HOUR = 3_600_000;

function tokenSet(realmId: string, accessTokenExpiresAt: number, n = 0): TokenSet {
  return {
    accessToken: `access-${realmId}-${n}`,
    refreshToken: `refresh-${realmId}-${n}`,
    tokenType: "bearer",
    expiresIn: 3600,
    xRefreshTokenExpiresIn: 8_726_400,
    accessTokenExpiresAt,
    refreshTokenExpiresAt: NOW + 100 * 24 * HOUR,
    receivedAt: NOW - HOUR,
    realmId,
  };
}

/** A TokenClient that refreshes every token for an hour, counting calls per refresh token. */
function countingClient(fail: (refreshToken: string) => boolean = () => false) {
  const calls = new Map<string, number>();
  const client: TokenClient = {
    clock: () => NOW,
    async refresh(refreshToken) {
      calls.set(refreshToken, (calls.get(refreshToken) ?? 0) + 1);
      if (fail(refreshToken)) throw new NetworkError("down", { requestMayHaveBeenSent: false });
      const realmId = refreshToken.replace(/^refresh-(.*)-\d+$/, "$1");
      return { ...tokenSet(realmId, NOW + HOUR, 1), realmId: undefined } as TokenSet;
    },
    async revoke() {
      return undefined;
    },
  };
  return { client, calls };
}

function record(
  realmId: string,
  accessTokenExpiresAt: number,
  extra: Partial<TokenRecord> = {},
): TokenRecord {
  return { realmId, token: tokenSet(realmId, accessTokenExpiresAt), updatedAt: NOW - HOUR, ...extra };
}

/** Wraps a store, counting list() and listDue() calls; `withListDue: false` hides listDue. */
function spy(inner: MemoryTokenStore, withListDue: boolean) {
  const count = { list: 0, listDue: 0, pages: [] as number[] };
  const store: TokenStore = {
    get: (r) => inner.get(r),
    set: (r) => inner.set(r),
    delete: (r) => inner.delete(r),
    tryLock: (r, l) => inner.tryLock(r, l),
    unlock: (r, o) => inner.unlock(r, o),
    async list() {
      count.list++;
      return inner.list();
    },
  };
  if (withListDue)
    store.listDue = async (before: number, limit: number, options?: PageOptions): Promise<TokenPage> => {
      count.listDue++;
      const page = await inner.listDue(before, limit, options);
      count.pages.push(page.records.length);
      return page;
    };
  return { store, count };
}

const realm = (i: number) => `91303500${String(i).padStart(4, "0")}`;

test("refreshDue reads only due records through listDue, page by page, and never calls list()", async () => {
  const inner = new MemoryTokenStore();
  // 1,200 due (in the past, or within the 5-minute margin) and 300 that are not.
  for (let i = 0; i < 1200; i++) await inner.set(record(realm(i), NOW - 60_000 + (i % 7) * 30_000));
  for (let i = 1200; i < 1500; i++) await inner.set(record(realm(i), NOW + 30 * 60_000));
  const { store, count } = spy(inner, true);
  const { client, calls } = countingClient();
  const tokens = new TokenManager({ authClient: client, store, maxConcurrentRefreshes: 8 });
  const result = await tokens.refreshDue();
  assert.equal(count.list, 0, "list() is never called");
  assert.deepEqual(count.pages, [500, 500, 200], "pages of 500, then the rest");
  assert.deepEqual(result.failed, []);
  assert.deepEqual(
    [...result.refreshed].sort(),
    Array.from({ length: 1200 }, (_, i) => realm(i)),
  );
  assert.equal(calls.size, 1200);
  assert.ok(
    [...calls.values()].every((n) => n === 1),
    "one refresh per due realm",
  );
  assert.ok(tokens.peakConcurrentRefreshes <= 8);
  // Every refreshed record is now an hour away: nothing is due any more.
  assert.deepEqual((await inner.listDue(NOW + 5 * 60_000, 10)).records, []);
});

test("a store without listDue: refreshDue filters list(), as before", async () => {
  const inner = new MemoryTokenStore();
  for (let i = 0; i < 20; i++) await inner.set(record(realm(i), i < 5 ? NOW : NOW + HOUR));
  const { store, count } = spy(inner, false);
  const { client, calls } = countingClient();
  const result = await new TokenManager({ authClient: client, store }).refreshDue();
  assert.equal(count.list, 1);
  assert.deepEqual([...result.refreshed].sort(), [0, 1, 2, 3, 4].map(realm));
  assert.equal(calls.size, 5);
});

test("failed refreshes at the front of the index never stall the pages after them", async () => {
  const inner = new MemoryTokenStore();
  // 700 due; the 600 earliest fail (they stay due, in front of the others).
  for (let i = 0; i < 700; i++) await inner.set(record(realm(i), NOW - 700_000 + i * 1000));
  const failing = new Set(Array.from({ length: 600 }, (_, i) => `refresh-${realm(i)}-0`));
  const { store, count } = spy(inner, true);
  const { client, calls } = countingClient((rt) => failing.has(rt));
  const result = await new TokenManager({ authClient: client, store }).refreshDue();
  assert.equal(result.failed.length, 600);
  assert.ok(result.failed.every((f) => (f.error as Error).name === "NetworkError"));
  assert.deepEqual(
    [...result.refreshed].sort(),
    Array.from({ length: 100 }, (_, i) => realm(600 + i)),
  );
  assert.equal(calls.size, 700, "every due realm was tried");
  assert.ok(
    [...calls.values()].every((n) => n === 1),
    "and only once",
  );
  assert.deepEqual(count.pages, [500, 200]);
});

test("a stale index entry (listed as due, but not due) is not refreshed", async () => {
  const inner = new MemoryTokenStore();
  await inner.set(record("4620816301", NOW + HOUR));
  await inner.set(record("4620816302", NOW));
  const store: TokenStore = {
    ...spy(inner, false).store,
    // An index that lags a write: it still lists the fresh one as due.
    async listDue() {
      return {
        records: [await inner.get("4620816301"), await inner.get("4620816302")] as TokenRecord[],
        cursor: undefined,
      };
    },
  };
  const { client, calls } = countingClient();
  const result = await new TokenManager({ authClient: client, store }).refreshDue();
  assert.deepEqual(result.refreshed, ["4620816302"]);
  assert.deepEqual([...calls.keys()], ["refresh-4620816302-0"]);
});

test("a grant whose refresh token expired unnoticed is marked once, and leaves the due index", async () => {
  const inner = new MemoryTokenStore();
  const dead = record("4620816303", NOW - 2 * HOUR);
  dead.token.refreshTokenExpiresAt = NOW - HOUR;
  await inner.set(dead);
  await inner.set(record("4620816304", NOW));
  const { client, calls } = countingClient();
  const tokens = new TokenManager({ authClient: client, store: inner });
  const events: string[] = [];
  tokens.on("reauthorizationRequired", (realmId, error) => events.push(`${realmId}:${error.reason}`));
  const first = await tokens.refreshDue();
  assert.deepEqual(first.refreshed, ["4620816304"]);
  assert.deepEqual(first.reauthorizationRequired, ["4620816303"]);
  assert.deepEqual(events, ["4620816303:refresh_token_expired"]);
  assert.equal(calls.has("refresh-4620816303-0"), false, "no refresh request for a dead grant");
  assert.equal((await inner.get("4620816303"))?.reauthorization?.reason, "refresh_token_expired");
  assert.deepEqual(
    (await inner.listDue(NOW + HOUR, 10)).records.map((r) => r.realmId),
    ["4620816304"],
  );
  const second = await tokens.refreshDue();
  assert.deepEqual(second, { refreshed: [], reauthorizationRequired: [], failed: [] });
  assert.deepEqual(events, ["4620816303:refresh_token_expired"], "the event fired once");
});

test("listDue and listPage refuse a bad limit, before or cursor with a ConfigurationError", async () => {
  const store = new MemoryTokenStore();
  for (const limit of [0, -1, 1.5, Number.NaN])
    await assert.rejects(store.listDue(NOW, limit), { name: "ConfigurationError" }, String(limit));
  await assert.rejects(store.listDue(Number.NaN, 1), { name: "ConfigurationError" });
  await assert.rejects(store.listPage(0), { name: "ConfigurationError" });
  for (const cursor of ["", "{", "[1]", '["a","b"]', "[1,2]"])
    await assert.rejects(store.listPage(1, { cursor }), { name: "ConfigurationError" }, cursor);
});
