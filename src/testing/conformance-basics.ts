// Conformance: what every store does with good records: round trips, overwrite, delete, one list()
// order, frozen records, and one realm-id rule. No locks, no bad records, no encryption here.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { TokenRecord } from "../tokens/store.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

/** Realm ids every store must refuse, with why. */
export const BAD_REALM_IDS: ReadonlyArray<[string, unknown]> = [
  ["empty", ""],
  ["NUL", "a\u0000b"],
  ["tab", "a\tb"],
  ["newline", "a\nb"],
  ["DEL", "a\u007fb"],
  ["C1 control (NEL)", "a\u0085b"],
  ["65 bytes", "x".repeat(65)],
  ["66 bytes of é", "é".repeat(33)],
  ["a lone surrogate", "a\ud800b"],
  ["a number", 4620816365],
  ["undefined", undefined],
];

/** Realm ids at the limits that every store must accept. */
export const GOOD_REALM_IDS: readonly string[] = [
  "x".repeat(64),
  "é".repeat(32),
  "🔑".repeat(16),
  "../../etc/passwd",
  "a b%2F.c",
];

const byRealm = (records: TokenRecord[]) => records.map((r) => r.realmId);

/** Registers the tests of good records: round trips, order, copies, realm ids. */
export function basicsConformance(withStore: WithStore): void {
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
    "list returns every stored record, ascending by realmId (plain string comparison)",
    withStore(async ({ store }) => {
      assert.deepEqual(await store.list(), []);
      const written = ["b", "a", "日本", "B", "10", "é", "9", "a-1", "Z", "🔑", "\uffee"];
      for (const [i, r] of written.entries()) await store.set(fullRecord(r, { updatedAt: i }));
      const listed = await store.list();
      // UTF-16 code unit order (`a < b`), not locale order: digits, upper case, lower case, then the rest.
      assert.deepEqual(byRealm(listed), ["10", "9", "B", "Z", "a", "a-1", "b", "é", "日本", "🔑", "\uffee"]);
      for (const r of listed)
        assert.deepEqual(r, fullRecord(r.realmId, { updatedAt: written.indexOf(r.realmId) }));
    }),
  );

  test(
    "records come back frozen: nobody can change what is stored through what they gave or got",
    withStore(async ({ store }) => {
      const input = fullRecord("r1");
      await store.set(input);
      // The caller's object is not kept either.
      input.token.accessToken = "changed-after-set";
      input.warningsSent?.push(1);
      const got = await store.get("r1");
      assert.ok(got);
      assert.deepEqual(got, fullRecord("r1"));
      for (const part of [got, got.token, got.reauthorization, got.warningsSent])
        assert.equal(Object.isFrozen(part), true, "returned records are frozen, parts included");
      assert.throws(() => {
        got.token.accessToken = "mutated";
      }, TypeError);
      assert.throws(() => got.warningsSent?.push(99), TypeError);
      const [listed] = await store.list();
      assert.ok(listed);
      assert.deepEqual(listed, fullRecord("r1"));
      assert.equal(Object.isFrozen(listed.token), true);
      const again = await store.get("r1");
      assert.deepEqual(again, fullRecord("r1"));
    }),
  );

  test(
    "realm ids: one rule everywhere (a non-empty string of at most 64 UTF-8 bytes, no control characters)",
    withStore(async ({ store }) => {
      for (const [why, bad] of BAD_REALM_IDS) {
        const id = bad as string;
        const refused = { name: "InvalidRealmIdError", code: "ERR_INVALID_REALM_ID" };
        await assert.rejects(store.get(id), refused, `get: ${why}`);
        await assert.rejects(store.set({ ...minimalRecord("x"), realmId: id }), refused, `set: ${why}`);
        await assert.rejects(store.delete(id), refused, `delete: ${why}`);
        await assert.rejects(store.tryLock(id, 1000), refused, `tryLock: ${why}`);
        await assert.rejects(store.unlock(id, "owner"), refused, `unlock: ${why}`);
      }
      assert.deepEqual(await store.list(), [], "nothing was stored for a refused realm id");
      for (const good of GOOD_REALM_IDS) {
        await store.set(minimalRecord(good));
        assert.deepEqual(await store.get(good), minimalRecord(good), good);
        const owner = await store.tryLock(good, 10_000);
        assert.equal(typeof owner, "string");
        await store.unlock(good, owner ?? "");
      }
      assert.deepEqual(byRealm(await store.list()), [...GOOD_REALM_IDS].sort());
      for (const good of GOOD_REALM_IDS) await store.delete(good);
      assert.deepEqual(await store.list(), []);
    }),
  );

  test(
    "concurrent sets of different realms keep every record",
    withStore(async ({ store }) => {
      const records = Array.from({ length: 25 }, (_, i) =>
        minimalRecord(`realm-${String(i).padStart(2, "0")}`),
      );
      await Promise.all(records.map((r) => store.set(r)));
      assert.deepEqual(await store.list(), records);
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
    "numeric strings in stored data read back as numbers",
    withStore(async (f, t) => {
      if (!f.writeRaw) return t.skip("the store gives no raw access, so it cannot hold such data");
      if (process.env["INTUIT_OAUTH_ENCRYPTION_KEY"])
        return t.skip("INTUIT_OAUTH_ENCRYPTION_KEY is set: the store refuses plaintext records");
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
}
