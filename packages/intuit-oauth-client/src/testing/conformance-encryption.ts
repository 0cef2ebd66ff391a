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
        const r = fullRecord("4620816341");
        await encrypted.set(r);
        const raw = (await f.readRaw("4620816341")) ?? "";
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
        assert.deepEqual(JSON.parse(open("4620816341")), JSON.parse(JSON.stringify(r)));
        assert.throws(() => open(undefined), "without the realm as AAD the record does not open");
        assert.throws(() => open("4620816342"), "with another realm as AAD the record does not open");

        assert.deepEqual(await encrypted.get("4620816341"), r);
        await assert.rejects(wrong.get("4620816341"), (e) =>
          assertUnreadable(e, { realmId: "4620816341", reason: "undecryptable", secrets }),
        );
        const listedWrong = await reported(wrong);
        assert.deepEqual(listedWrong.listed, []);
        assert.deepEqual(
          listedWrong.errors.map((e) => e.realmId),
          ["4620816341"],
        );
        if (!process.env["INTUIT_OAUTH_ENCRYPTION_KEY"])
          await assert.rejects(f.store.get("4620816341"), (e) => {
            assertUnreadable(e, { realmId: "4620816341", reason: "key_missing" });
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
        const a = fullRecord("4620816381");
        await encrypted.set(a);
        await f.writeRaw("4620816382", (await f.readRaw("4620816381")) ?? "");
        await assert.rejects(encrypted.get("4620816382"), (e) =>
          assertUnreadable(e, { realmId: "4620816382" }),
        );
        const { listed, errors } = await reported(encrypted);
        assert.deepEqual(listed, ["4620816381"]);
        assert.deepEqual(
          errors.map((e) => e.realmId),
          ["4620816382"],
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
      const plain = minimalRecord("4620816352");
      const legacy = fullRecord("4620816351");
      await f.writeRaw("4620816352", JSON.stringify(plain));
      await f.writeRaw("4620816351", encryptV1(JSON.stringify(legacy), key));
      await f.writeRaw("4620816354", encryptV1(JSON.stringify(fullRecord("4620816354")), key, 12));
      await f.writeRaw("4620816353", encryptV1(JSON.stringify(legacy), key));
      const strict = await f.reopen({ encryptionKey: key });
      const migrating = await f.reopen({ encryptionKey: key, allowPlaintextRecords: true });
      try {
        await assert.rejects(strict.get("4620816352"), (e) =>
          assertUnreadable(e, { realmId: "4620816352", reason: "plaintext_refused" }),
        );
        await assert.rejects(strict.get("4620816351"), (e) =>
          assertUnreadable(e, { realmId: "4620816351", reason: "legacy_format" }),
        );
        assert.deepEqual((await reported(strict)).listed, []);

        // Migration mode reads them, but still refuses a truncated tag and a record of another realm.
        assert.deepEqual(await migrating.get("4620816352"), plain);
        assert.deepEqual(await migrating.get("4620816351"), legacy);
        await assert.rejects(migrating.get("4620816354"), (e) =>
          assertUnreadable(e, { realmId: "4620816354", reason: "undecryptable" }),
        );
        await assert.rejects(migrating.get("4620816353"), (e) =>
          assertUnreadable(e, { realmId: "4620816353", reason: "realm_mismatch" }),
        );

        const result = await encryptStoredRecords(migrating);
        assert.deepEqual(result.rewritten, ["4620816351", "4620816352"]);
        assert.deepEqual(result.busy, []);
        assert.deepEqual(
          result.unreadable.map((e) => [e.realmId, e.reason]),
          [
            ["4620816353", "realm_mismatch"],
            ["4620816354", "undecryptable"],
          ],
        );
        for (const realmId of ["4620816352", "4620816351"])
          assert.match((await f.readRaw(realmId)) ?? "", /^enc:v2:/, `${realmId} is rewritten as enc:v2:`);
        assert.deepEqual(await strict.get("4620816352"), plain);
        assert.deepEqual(await strict.get("4620816351"), legacy);
      } finally {
        await closeAll([strict, migrating]);
      }
    }),
  );

  test(
    "key rotation: with a list of keys the first writes and every one reads; encryptStoredRecords moves old records to the first",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw) return t.skip(NO_ENCRYPTION);
      const [a, b] = [randomBytes(32), randomBytes(32)];
      const old = await f.reopen({ encryptionKey: a });
      const both = await f.reopen({ encryptionKey: [b, a] });
      const onlyB = await f.reopen({ encryptionKey: [b] });
      try {
        const first = fullRecord("4620816361");
        const second = fullRecord("4620816362");
        await old.set(first);
        await old.set(second);
        const underA = (await f.readRaw("4620816361")) ?? "";
        assert.deepEqual(await both.get("4620816361"), first, "an old key still reads");
        await assert.rejects(onlyB.get("4620816361"), (e) =>
          assertUnreadable(e, { realmId: "4620816361", reason: "undecryptable" }),
        );
        const result = await encryptStoredRecords(both);
        assert.deepEqual(result, { rewritten: ["4620816361", "4620816362"], busy: [], unreadable: [] });
        assert.notEqual(await f.readRaw("4620816361"), underA, "rewritten under the first key");
        // The old key can go: every record reads with the new one alone, and none is lost.
        assert.deepEqual(await onlyB.list(), [first, second]);
        await assert.rejects(old.get("4620816361"), (e) =>
          assertUnreadable(e, { realmId: "4620816361", reason: "undecryptable" }),
        );
      } finally {
        await closeAll([old, both, onlyB]);
      }
    }),
  );

  test(
    "encryptStoredRecords skips a realm whose lock another holder keeps, and reports it as busy",
    withStore(async (f, t) => {
      if (!f.reopen || !f.readRaw || !f.writeRaw) return t.skip(NO_ENCRYPTION);
      const migrating = await f.reopen({ encryptionKey: randomBytes(32), allowPlaintextRecords: true });
      try {
        await f.writeRaw("4620816352", JSON.stringify(minimalRecord("4620816352")));
        const owner = await migrating.tryLock("4620816352", 10_000);
        assert.equal(typeof owner, "string");
        const busy = await encryptStoredRecords(migrating, { lockWaitMs: 100 });
        assert.deepEqual(busy, { rewritten: [], busy: ["4620816352"], unreadable: [] });
        assert.match((await f.readRaw("4620816352")) ?? "", /^\{/, "left as it was");
        await migrating.unlock("4620816352", owner ?? "");
        const done = await encryptStoredRecords(migrating);
        assert.deepEqual(done, { rewritten: ["4620816352"], busy: [], unreadable: [] });
        assert.match((await f.readRaw("4620816352")) ?? "", /^enc:v2:/);
      } finally {
        await closeAll([migrating]);
      }
    }),
  );
}
