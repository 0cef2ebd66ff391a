// The TokenStore conformance suite: every store (memory, file, Redis, PostgreSQL) must pass it.
// It tests only the TokenStore contract; it must not know how any particular store works inside.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test, type TestContext } from "node:test";
import type { TokenStore } from "../tokens/store.js";
import { fullRecord, minimalRecord } from "./records.js";

/** One store under test, on fresh (empty) storage. */
export interface StoreFixture {
  store: TokenStore;
  /** Closes the store and removes what the test stored. */
  cleanup(): Promise<void>;
  /** Writes raw stored text for a realm behind the store's back (numeric-string case). */
  writeRaw?(realmId: string, text: string): Promise<void>;
  /** Reads the raw stored text of a realm (encryption case). */
  readRaw?(realmId: string): Promise<string | undefined>;
  /** Opens another store on the same storage with this encryption key (encryption case). */
  reopen?(options: { encryptionKey: Buffer }): Promise<TokenStore>;
}

/** Options of {@link storeConformance}. */
export interface StoreConformanceOptions {
  /** A reason to skip the whole suite (e.g. server missing), or false. */
  skip?: string | false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registers the conformance tests for one store. `makeStore` is called once per test and must
 * return a store on empty storage.
 */
export function storeConformance(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: StoreConformanceOptions = {},
): void {
  const skip = options.skip ?? false;

  // Runs body with a fresh store, and always cleans up.
  const withStore =
    (body: (f: StoreFixture, t: TestContext) => Promise<void>) =>
    async (t: TestContext): Promise<void> => {
      const fixture = await makeStore();
      try {
        await body(fixture, t);
      } finally {
        await fixture.cleanup();
      }
    };

  describe(`${name}: TokenStore conformance`, { skip }, () => {
    test(
      "get of a missing realm is undefined",
      withStore(async ({ store }) => {
        assert.equal(await store.get("missing-realm"), undefined);
      }),
    );

    test(
      "set then get round-trips every field",
      withStore(async ({ store }) => {
        const full = fullRecord("9130350000000001");
        const minimal = minimalRecord("9130350000000002");
        await store.set(full);
        await store.set(minimal);
        assert.deepEqual(await store.get(full.realmId), full);
        assert.deepEqual(await store.get(minimal.realmId), minimal);
      }),
    );

    test(
      "set overwrites the previous record",
      withStore(async ({ store }) => {
        await store.set(fullRecord("r1"));
        const next = minimalRecord("r1", "access-2");
        await store.set(next);
        assert.deepEqual(await store.get("r1"), next);
        assert.deepEqual(await store.list(), [next]);
      }),
    );

    test(
      "delete removes a record; deleting a missing realm is fine",
      withStore(async ({ store }) => {
        await store.set(minimalRecord("r1"));
        await store.set(minimalRecord("r2"));
        await store.delete("r1");
        assert.equal(await store.get("r1"), undefined);
        assert.deepEqual(await store.get("r2"), minimalRecord("r2"));
        await store.delete("r1");
        await store.delete("never-stored");
        assert.deepEqual(await store.list(), [minimalRecord("r2")]);
      }),
    );

    test(
      "list returns every stored record",
      withStore(async ({ store }) => {
        assert.deepEqual(await store.list(), []);
        const records = ["a", "b", "c"].map((r) => fullRecord(r, { updatedAt: r.charCodeAt(0) }));
        for (const r of records) await store.set(r);
        const listed = (await store.list()).sort((x, y) => x.realmId.localeCompare(y.realmId));
        assert.deepEqual(listed, records);
      }),
    );

    test(
      "numeric strings in stored data read back as numbers",
      withStore(async (f, t) => {
        if (!f.writeRaw) return t.skip("the store gives no raw access, so it cannot hold such data");
        const r = minimalRecord("raw-realm");
        const raw = JSON.stringify({
          ...r,
          token: {
            ...r.token,
            expiresIn: "3600",
            accessTokenExpiresAt: String(r.token.accessTokenExpiresAt),
            refreshTokenExpiresAt: String(r.token.refreshTokenExpiresAt),
            receivedAt: String(r.token.receivedAt),
          },
          updatedAt: String(r.updatedAt),
          warningsSent: ["30"],
        });
        await f.writeRaw("raw-realm", raw);
        assert.deepEqual(await f.store.get("raw-realm"), { ...r, warningsSent: [30] });
      }),
    );

    test(
      "tryLock is exclusive until unlocked by its owner",
      withStore(async ({ store }) => {
        const owner = await store.tryLock("r1", 10_000);
        assert.equal(typeof owner, "string");
        assert.ok(owner);
        assert.equal(await store.tryLock("r1", 10_000), undefined);
        // Other realms have their own locks.
        const other = await store.tryLock("r2", 10_000);
        assert.equal(typeof other, "string");
        await store.unlock("r1", "not-the-owner");
        assert.equal(await store.tryLock("r1", 10_000), undefined);
        await store.unlock("r1", owner);
        const again = await store.tryLock("r1", 10_000);
        assert.equal(typeof again, "string");
        assert.notEqual(again, owner);
        // The old owner cannot release the new owner's lock.
        await store.unlock("r1", owner);
        assert.equal(await store.tryLock("r1", 10_000), undefined);
      }),
    );

    test(
      "an expired lease lets another owner in",
      withStore(async ({ store }) => {
        const first = await store.tryLock("r1", 150);
        assert.equal(typeof first, "string");
        assert.equal(await store.tryLock("r1", 150), undefined);
        await sleep(400);
        const second = await store.tryLock("r1", 10_000);
        assert.equal(typeof second, "string");
        assert.notEqual(second, first);
        // The expired owner's unlock must not free the new owner's lock.
        await store.unlock("r1", first ?? "");
        assert.equal(await store.tryLock("r1", 10_000), undefined);
      }),
    );

    test(
      "20 concurrent tryLocks: exactly one owner",
      withStore(async ({ store }) => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.tryLock("contended", 10_000)),
        );
        const owners = results.filter((o) => o !== undefined);
        assert.equal(owners.length, 1);
        assert.equal(results.filter((o) => o === undefined).length, 19);
      }),
    );

    test(
      "concurrent sets of different realms keep every record",
      withStore(async ({ store }) => {
        const records = Array.from({ length: 25 }, (_, i) =>
          minimalRecord(`realm-${String(i).padStart(2, "0")}`),
        );
        await Promise.all(records.map((r) => store.set(r)));
        const listed = (await store.list()).sort((x, y) => x.realmId.localeCompare(y.realmId));
        assert.deepEqual(listed, records);
      }),
    );

    test(
      "unicode and 4 KB tokens survive",
      withStore(async ({ store }) => {
        const long = randomBytes(3072).toString("base64"); // 4096 characters
        assert.equal(long.length, 4096);
        const r = fullRecord("réalm-日本-🔑", {
          reauthorization: {
            reason: "invalid_grant",
            errorDescription: 'Ungültiges Token — 無効 🚫 "quoted" \\ back\nslash',
            at: 1,
          },
        });
        r.token.accessToken = long;
        r.token.refreshToken = `${long}-r`;
        r.token.idToken = `ü.${long}.ß`;
        await store.set(r);
        assert.deepEqual(await store.get("réalm-日本-🔑"), r);
        assert.deepEqual(await store.list(), [r]);
      }),
    );

    test(
      "encryption: stored bytes hide the tokens; a wrong key is a TokenStoreError",
      withStore(async (f, t) => {
        if (!f.reopen || !f.readRaw) return t.skip("the store has no encryption at rest");
        const key = randomBytes(32);
        const encrypted = await f.reopen({ encryptionKey: key });
        const wrong = await f.reopen({ encryptionKey: randomBytes(32) });
        try {
          const r = fullRecord("secret-realm");
          await encrypted.set(r);
          const raw = await f.readRaw("secret-realm");
          assert.equal(typeof raw, "string");
          assert.equal(raw?.startsWith("enc:v1:"), true);
          for (const secret of [r.token.accessToken, r.token.refreshToken, "bearer", "invalid_grant"])
            assert.equal(raw?.includes(secret), false, `raw data contains ${secret}`);
          assert.deepEqual(await encrypted.get("secret-realm"), r);
          await assert.rejects(wrong.get("secret-realm"), {
            name: "TokenStoreError",
            code: "ERR_TOKEN_STORE",
            message: "Cannot decrypt stored tokens: wrong encryption key or tampered data",
          });
          await assert.rejects(wrong.list(), { name: "TokenStoreError", code: "ERR_TOKEN_STORE" });
          if (!process.env["INTUIT_OAUTH_ENCRYPTION_KEY"])
            await assert.rejects(f.store.get("secret-realm"), {
              name: "TokenStoreError",
              message: "Stored tokens are encrypted; set the encryption key (INTUIT_OAUTH_ENCRYPTION_KEY)",
            });
        } finally {
          await encrypted.close?.();
          await wrong.close?.();
        }
      }),
    );
  });
}
