// Conformance: encryption at rest. `enc:v2:` records are AES-256-GCM with the realm id as associated
// data and a full 16-byte tag; with a key, plaintext and `enc:v1:` records are refused unless the
// store is opened for migration, and encryptStoredRecords rewrites them.
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { test } from "node:test";
import { encryptStoredRecords } from "../tokens/encrypt-stored-records.js";
import type { TokenStore } from "../tokens/store.js";
import type { UnreadableRecordError } from "../tokens/store-errors.js";
import { assertUnreadable } from "./assert-unreadable.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

const NO_ENCRYPTION = "the store has no encryption at rest (no reopen/readRaw/writeRaw)";

/** The old format, `enc:v1:<iv>.<tag>.<ciphertext>`: no associated data; `tagBytes` may truncate the tag. */
export function encryptV1(plain: string, key: Buffer, tagBytes = 16): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag().subarray(0, tagBytes);
  return `enc:v1:${iv.toString("base64url")}.${tag.toString("base64url")}.${data.toString("base64url")}`;
}

async function closeAll(stores: TokenStore[]): Promise<void> {
  for (const s of stores) await s.close?.();
}

async function reported(store: TokenStore): Promise<{ listed: string[]; errors: UnreadableRecordError[] }> {
  const errors: UnreadableRecordError[] = [];
  const listed = (await store.list({ onUnreadable: (e) => errors.push(e) })).map((r) => r.realmId);
  errors.sort((a, b) => (a.realmId < b.realmId ? -1 : 1));
  return { listed, errors };
}

/** Registers the tests of encryption at rest and of the migration path. */
export function encryptionConformance(withStore: WithStore): void {
  test(
    "encryption: enc:v2: is AES-256-GCM with the realm id as associated data; a wrong or missing key is refused",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw) return t.skip(NO_ENCRYPTION);
      const key = randomBytes(32);
      const encrypted = await f.reopen({ encryptionKey: key });
      const wrong = await f.reopen({ encryptionKey: randomBytes(32) });
      try {
        const r = fullRecord("secret-realm");
        await encrypted.set(r);
        const raw = (await f.readRaw("secret-realm")) ?? "";
        assert.match(raw, /^enc:v2:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
        const secrets = [r.token.accessToken, r.token.refreshToken, "bearer", "invalid_grant"];
        for (const secret of secrets)
          assert.equal(raw.includes(secret), false, `raw data contains ${secret}`);
        // The documented format, opened by hand: 12-byte IV, 16-byte tag, the realm id as AAD.
        const [iv, tag, data] = raw.slice("enc:v2:".length).split(".") as [string, string, string];
        const open = (aad: string | undefined) => {
          const d = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
          if (aad !== undefined) d.setAAD(Buffer.from(aad, "utf8"));
          d.setAuthTag(Buffer.from(tag, "base64url"));
          return Buffer.concat([d.update(Buffer.from(data, "base64url")), d.final()]).toString("utf8");
        };
        assert.deepEqual(JSON.parse(open("secret-realm")), JSON.parse(JSON.stringify(r)));
        assert.throws(() => open(undefined), "without the realm as AAD the record does not open");
        assert.throws(() => open("other-realm"), "with another realm as AAD the record does not open");

        assert.deepEqual(await encrypted.get("secret-realm"), r);
        await assert.rejects(wrong.get("secret-realm"), (e) =>
          assertUnreadable(e, { realmId: "secret-realm", reason: "undecryptable", secrets }),
        );
        const listedWrong = await reported(wrong);
        assert.deepEqual(listedWrong.listed, []);
        assert.deepEqual(
          listedWrong.errors.map((e) => e.realmId),
          ["secret-realm"],
        );
        if (!process.env["INTUIT_OAUTH_ENCRYPTION_KEY"])
          await assert.rejects(f.store.get("secret-realm"), (e) => {
            assertUnreadable(e, { realmId: "secret-realm", reason: "key_missing" });
            assert.match((e as Error).message, /INTUIT_OAUTH_ENCRYPTION_KEY/);
            return true;
          });
      } finally {
        await closeAll([encrypted, wrong]);
      }
    }),
  );

  test(
    "encryption: a record encrypted for one realm and copied under another is refused",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw || !f.writeRaw) return t.skip(NO_ENCRYPTION);
      const encrypted = await f.reopen({ encryptionKey: randomBytes(32) });
      try {
        const a = fullRecord("realm-a");
        await encrypted.set(a);
        await f.writeRaw("realm-b", (await f.readRaw("realm-a")) ?? "");
        await assert.rejects(encrypted.get("realm-b"), (e) => assertUnreadable(e, { realmId: "realm-b" }));
        const { listed, errors } = await reported(encrypted);
        assert.deepEqual(listed, ["realm-a"]);
        assert.deepEqual(
          errors.map((e) => e.realmId),
          ["realm-b"],
        );
      } finally {
        await closeAll([encrypted]);
      }
    }),
  );

  test(
    "with a key, plaintext and enc:v1: records are refused unless allowPlaintextRecords; encryptStoredRecords rewrites them",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw || !f.writeRaw) return t.skip(NO_ENCRYPTION);
      const key = randomBytes(32);
      const plain = minimalRecord("plain");
      const legacy = fullRecord("legacy");
      await f.writeRaw("plain", JSON.stringify(plain));
      await f.writeRaw("legacy", encryptV1(JSON.stringify(legacy), key));
      await f.writeRaw(
        "legacy-short-tag",
        encryptV1(JSON.stringify(fullRecord("legacy-short-tag")), key, 12),
      );
      await f.writeRaw("legacy-moved", encryptV1(JSON.stringify(legacy), key));
      const strict = await f.reopen({ encryptionKey: key });
      const migrating = await f.reopen({ encryptionKey: key, allowPlaintextRecords: true });
      try {
        await assert.rejects(strict.get("plain"), (e) =>
          assertUnreadable(e, { realmId: "plain", reason: "plaintext_refused" }),
        );
        await assert.rejects(strict.get("legacy"), (e) =>
          assertUnreadable(e, { realmId: "legacy", reason: "legacy_format" }),
        );
        assert.deepEqual((await reported(strict)).listed, []);

        // Migration mode reads them, but still refuses a truncated tag and a record of another realm.
        assert.deepEqual(await migrating.get("plain"), plain);
        assert.deepEqual(await migrating.get("legacy"), legacy);
        await assert.rejects(migrating.get("legacy-short-tag"), (e) =>
          assertUnreadable(e, { realmId: "legacy-short-tag", reason: "undecryptable" }),
        );
        await assert.rejects(migrating.get("legacy-moved"), (e) =>
          assertUnreadable(e, { realmId: "legacy-moved", reason: "realm_mismatch" }),
        );

        const result = await encryptStoredRecords(migrating);
        assert.deepEqual(result.rewritten, ["legacy", "plain"]);
        assert.deepEqual(result.busy, []);
        assert.deepEqual(
          result.unreadable.map((e) => [e.realmId, e.reason]),
          [
            ["legacy-moved", "realm_mismatch"],
            ["legacy-short-tag", "undecryptable"],
          ],
        );
        for (const realmId of ["plain", "legacy"])
          assert.match((await f.readRaw(realmId)) ?? "", /^enc:v2:/, `${realmId} is rewritten as enc:v2:`);
        assert.deepEqual(await strict.get("plain"), plain);
        assert.deepEqual(await strict.get("legacy"), legacy);
      } finally {
        await closeAll([strict, migrating]);
      }
    }),
  );

  test(
    "encryptStoredRecords skips a realm whose lock another holder keeps, and reports it as busy",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw || !f.writeRaw) return t.skip(NO_ENCRYPTION);
      const migrating = await f.reopen({ encryptionKey: randomBytes(32), allowPlaintextRecords: true });
      try {
        await f.writeRaw("plain", JSON.stringify(minimalRecord("plain")));
        const owner = await migrating.tryLock("plain", 10_000);
        assert.equal(typeof owner, "string");
        const busy = await encryptStoredRecords(migrating, { lockWaitMs: 100 });
        assert.deepEqual(busy, { rewritten: [], busy: ["plain"], unreadable: [] });
        assert.match((await f.readRaw("plain")) ?? "", /^\{/, "left as it was");
        await migrating.unlock("plain", owner ?? "");
        const done = await encryptStoredRecords(migrating);
        assert.deepEqual(done, { rewritten: ["plain"], busy: [], unreadable: [] });
        assert.match((await f.readRaw("plain")) ?? "", /^enc:v2:/);
      } finally {
        await closeAll([migrating]);
      }
    }),
  );
}
