// Conformance: what every store does with good records: round trips, overwrite, delete, one list()
// order, frozen records, and the one realm-id rule (QuickBooks realm ids: 1 to 32 digits). No locks,
// no bad records, no encryption here.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import type { TokenRecord } from "../tokens/store.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

/** Realm ids every store must refuse, with why. */
export const BAD_REALM_IDS: ReadonlyArray<[string, unknown]> = [
  ["empty", ""],
  ["letters", "realm-a"],
  ["33 digits", "1".repeat(33)],
  ["a sign", "-4620816365"],
  ["a space", " 4620816365"],
  ["a decimal point", "4620816365.0"],
  ["non-ASCII digits", "٤٦٢٠"],
  ["NUL", "4620\u00008163"],
  ["newline", "4620816365\n"],
  ["a path", "../../etc/passwd"],
  ["__proto__", "__proto__"],
  ["a number", 4620816365],
  ["undefined", undefined],
];

/** Realm ids at the limits that every store must accept. */
export const GOOD_REALM_IDS: readonly string[] = ["0", "7", "1".repeat(32), "0042", "9341453050198162"];

const byRealm = (records: TokenRecord[]) => records.map((r) => r.realmId);

/** Registers the tests of good records: round trips, order, copies, realm ids. */
export function basicsConformance(withStore: WithStore): void {
  test(
    "get of a missing realm is undefined",
    withStore(async ({ store }) => {
      assert.equal(await store.get("4620816399"), undefined);
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
      await store.set(fullRecord("4620816361"));
      const next = minimalRecord("4620816361", "access-2");
      await store.set(next);
      assert.deepEqual(await store.get("4620816361"), next);
      assert.deepEqual(await store.list(), [next]);
    }),
  );

  test(
    "delete removes a record; deleting a missing realm is fine",
    withStore(async ({ store }) => {
      await store.set(minimalRecord("4620816361"));
      await store.set(minimalRecord("4620816362"));
      await store.delete("4620816361");
      assert.equal(await store.get("4620816361"), undefined);
      assert.deepEqual(await store.get("4620816362"), minimalRecord("4620816362"));
      await store.delete("4620816361");
      await store.delete("4620816398");
      assert.deepEqual(await store.list(), [minimalRecord("4620816362")]);
    }),
  );

  test(
    "list returns every stored record, ascending by realmId (plain string comparison)",
    withStore(async ({ store }) => {
      assert.deepEqual(await store.list(), []);
      const written = ["9", "10", "100", "2", "0010", "99999999999999999999", "1"];
      for (const [i, r] of written.entries()) await store.set(fullRecord(r, { updatedAt: i }));
      const listed = await store.list();
      // String order, not numeric order ("10" < "9"), and never a database's collation.
      assert.deepEqual(byRealm(listed), ["0010", "1", "10", "100", "2", "9", "99999999999999999999"]);
      for (const r of listed)
        assert.deepEqual(r, fullRecord(r.realmId, { updatedAt: written.indexOf(r.realmId) }));
    }),
  );

  test(
    "records come back frozen: nobody can change what is stored through what they gave or got",
    withStore(async ({ store }) => {
      const input = fullRecord("4620816361");
      await store.set(input);
      // The caller's object is not kept either.
      input.token.accessToken = "changed-after-set";
      input.warningsSent?.push(1);
      const got = await store.get("4620816361");
      assert.ok(got);
      assert.deepEqual(got, fullRecord("4620816361"));
      for (const part of [got, got.token, got.reauthorization, got.warningsSent])
        assert.equal(Object.isFrozen(part), true, "returned records are frozen, parts included");
      assert.throws(() => {
        got.token.accessToken = "mutated";
      }, TypeError);
      assert.throws(() => got.warningsSent?.push(99), TypeError);
      const [listed] = await store.list();
      assert.ok(listed);
      assert.deepEqual(listed, fullRecord("4620816361"));
      assert.equal(Object.isFrozen(listed.token), true);
      const again = await store.get("4620816361");
      assert.deepEqual(again, fullRecord("4620816361"));
    }),
  );

  test(
    "realm ids: one rule everywhere (QuickBooks realm ids: 1 to 32 ASCII digits)",
    withStore(async ({ store }) => {
      for (const [why, bad] of BAD_REALM_IDS) {
        const id = bad as string;
        const refused = { name: "InvalidRealmIdError", code: "ERR_INVALID_REALM_ID" };
        await assert.rejects(store.get(id), refused, `get: ${why}`);
        await assert.rejects(
          store.set({ ...minimalRecord("4620816365"), realmId: id }),
          refused,
          `set: ${why}`,
        );
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
        minimalRecord(`91303500000001${String(i).padStart(2, "0")}`),
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
      const r = fullRecord("4620816365", {
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
      assert.deepEqual(await store.get("4620816365"), r);
      assert.deepEqual(await store.list(), [r]);
    }),
  );

  test(
    "numeric strings in stored data read back as numbers",
    withStore(async (f, t) => {
      if (!f.writeRaw) return t.skip("the store gives no raw access, so it cannot hold such data");
      if (process.env["INTUIT_OAUTH_ENCRYPTION_KEY"])
        return t.skip("INTUIT_OAUTH_ENCRYPTION_KEY is set: the store refuses plaintext records");
      const r = minimalRecord("4620816370");
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
      await f.writeRaw("4620816370", raw);
      assert.deepEqual(await f.store.get("4620816370"), { ...r, warningsSent: [30] });
    }),
  );
}
