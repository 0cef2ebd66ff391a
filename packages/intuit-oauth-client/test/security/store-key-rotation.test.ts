// Issue 19 item 11: key rotation. A store takes a list of keys (the first encrypts every write,
// each one is tried on reads), and encryptStoredRecords moves every record, plaintext ones too,
// under the first. Rotating a file, Redis and PostgreSQL store from key A to key B and then
// removing A loses nothing; a record under a key the store does not have is reported against its
// own realm and never breaks list().
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import pg from "pg";
import { createClient } from "redis";
import {
  ConfigurationError,
  encryptStoredRecords,
  FileTokenStore,
  UnreadableRecordError,
  type TokenRecord,
  type TokenStore,
} from "../../src/index.js";
import { decryptRecordText, recordCodec, type RecordCodecOptions } from "../../src/store-kit.js";
import { fullRecord, minimalRecord } from "../../src/testing/index.js";
import { PostgresTokenStore } from "../../src/stores/postgres/token-store.js";
import { RedisTokenStore, redisTokenStoreKeys } from "../../src/stores/redis/token-store.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

// Plaintext records are written by a store without a key: the environment must not supply one.
delete process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];

const A = randomBytes(32);
const B = randomBytes(32);
const STRANGER_KEY = randomBytes(32);

/** One kind of store on fresh storage: stores opened on it with any options, and its raw text. */
interface Backend {
  open(options: RecordCodecOptions): TokenStore;
  readRaw(realmId: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

const redis = await redisUrl();
const postgres = await postgresUrl();

const backends: Array<{ name: string; skip: string | false; make: () => Promise<Backend> }> = [
  {
    name: "FileTokenStore",
    skip: false,
    make: async () => {
      const directory = join(mkdtempSync(join(tmpdir(), "intuit-rotation-")), "tokens");
      return {
        open: (options) => new FileTokenStore({ directory, ...options }),
        readRaw: async (realmId) => {
          const { readFile } = await import("node:fs/promises");
          return readFile(join(directory, `${realmId}.json`), "utf8").catch(() => undefined);
        },
        cleanup: async () => {
          rmSync(join(directory, ".."), { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "RedisTokenStore",
    skip: requireOrSkip(redis, "redis"),
    make: async () => {
      const keyPrefix = `${uniqueName("intuit-rotation")}:`;
      const raw = createClient({ url: redis });
      raw.on("error", () => {});
      await raw.connect();
      const opened: RedisTokenStore[] = [];
      return {
        open: (options) => {
          const store = new RedisTokenStore({ client: raw, keyPrefix, ...options });
          opened.push(store);
          return store;
        },
        readRaw: async (realmId) =>
          (await raw.get(redisTokenStoreKeys(realmId, keyPrefix).record)) ?? undefined,
        cleanup: async () => {
          for (const s of opened) await s.close();
          const keys: string[] = [];
          for await (const batch of raw.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 1000 }))
            keys.push(...batch);
          if (keys.length) await raw.del(keys);
          await raw.close();
        },
      };
    },
  },
  {
    name: "PostgresTokenStore",
    skip: requireOrSkip(postgres, "postgres"),
    make: async () => {
      const tableName = uniqueName("intuit_rotation");
      const pool = new pg.Pool({ connectionString: postgres, max: 4 });
      pool.on("error", () => {});
      await new PostgresTokenStore({ pool, tableName }).migrate();
      return {
        open: (options) => new PostgresTokenStore({ pool, tableName, ...options }),
        readRaw: async (realmId) =>
          (
            await pool.query<{ record: string }>(`SELECT record FROM "${tableName}" WHERE realm_id = $1`, [
              realmId,
            ])
          ).rows[0]?.record,
        cleanup: async () => {
          await pool.query(`DROP TABLE IF EXISTS "${tableName}", "${tableName}_locks"`);
          await pool.end();
        },
      };
    },
  },
];

function undecryptable(realmId: string) {
  return (e: unknown) => {
    assert.ok(e instanceof UnreadableRecordError, String(e));
    assert.equal(e.reason, "undecryptable");
    assert.equal(e.realmId, realmId);
    return true;
  };
}

async function listed(store: TokenStore) {
  const errors: UnreadableRecordError[] = [];
  const records = await store.list({ onUnreadable: (e) => errors.push(e) });
  return {
    realms: records.map((r) => r.realmId),
    // Reported in the store's own order (Redis: bucket by bucket), so sorted here.
    errors: errors.map((e) => [e.realmId, e.reason]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
  };
}

const plain = (r: TokenRecord | undefined) => JSON.parse(JSON.stringify(r)) as unknown;

for (const { name, skip, make } of backends) {
  describe(name, { skip }, () => {
    test("rotating from key A to key B, then removing A: every record is readable, none lost", async () => {
      const b = await make();
      try {
        const underA = ["4620816365000000001", "4620816365000000002", "4620816365000000003"].map((r, i) =>
          i === 0 ? fullRecord(r) : minimalRecord(r),
        );
        const plaintext = minimalRecord("4620816365000000004");
        const stranger = minimalRecord("4620816365000000005");
        const all = [...underA, plaintext];
        for (const r of underA) await b.open({ encryptionKey: A }).set(r);
        await b.open({}).set(plaintext);
        await b.open({ encryptionKey: STRANGER_KEY }).set(stranger);

        // Step 1 (every server): B is added for reading; A still writes.
        const both = b.open({ encryptionKey: [A, B] });
        // Step 2 (every server): B writes, A still reads.
        const rotating = b.open({ encryptionKey: [B, A], allowPlaintextRecords: true });
        for (const r of underA) assert.deepEqual(plain(await rotating.get(r.realmId)), plain(r));
        assert.deepEqual(plain(await rotating.get(plaintext.realmId)), plain(plaintext));

        // Step 3: every record is rewritten under B; the one under a key nobody has is reported.
        const result = await encryptStoredRecords(rotating);
        assert.deepEqual(
          result.rewritten,
          all.map((r) => r.realmId),
        );
        assert.deepEqual(result.busy, []);
        assert.deepEqual(
          result.unreadable.map((e) => [e.realmId, e.reason]),
          [[stranger.realmId, "undecryptable"]],
        );
        for (const r of all) {
          const raw = (await b.readRaw(r.realmId)) ?? "";
          assert.match(raw, /^enc:v2:/, `${r.realmId} is encrypted`);
          assert.deepEqual(JSON.parse(decryptRecordText(raw, B, { realmId: r.realmId })), plain(r));
          assert.throws(() => decryptRecordText(raw, A, { realmId: r.realmId }), UnreadableRecordError);
        }
        // A server still at step 1 reads what step 2 wrote.
        for (const r of all) assert.deepEqual(plain(await both.get(r.realmId)), plain(r));

        // Step 4: A is removed. Nothing is lost, and the stranger never breaks list().
        const onlyB = b.open({ encryptionKey: B });
        for (const r of all) assert.deepEqual(plain(await onlyB.get(r.realmId)), plain(r));
        assert.deepEqual(await listed(onlyB), {
          realms: all.map((r) => r.realmId),
          errors: [[stranger.realmId, "undecryptable"]],
        });
        await assert.rejects(onlyB.get(stranger.realmId), undecryptable(stranger.realmId));
        // A alone opens nothing any more: the records really moved.
        assert.deepEqual(await listed(b.open({ encryptionKey: A })), {
          realms: [],
          errors: [...all, stranger].map((r) => [r.realmId, "undecryptable"]),
        });
      } finally {
        await b.cleanup();
      }
    });

    test("without the old key, records under it are undecryptable (what rotation fixes)", async () => {
      const b = await make();
      try {
        const r = minimalRecord("4620816365000000009");
        await b.open({ encryptionKey: A }).set(r);
        const onlyB = b.open({ encryptionKey: B });
        await assert.rejects(onlyB.get(r.realmId), undecryptable(r.realmId));
        assert.deepEqual(await listed(onlyB), { realms: [], errors: [[r.realmId, "undecryptable"]] });
      } finally {
        await b.cleanup();
      }
    });
  });
}

describe("key lists", () => {
  test("INTUIT_OAUTH_ENCRYPTION_KEY takes several keys, separated by commas: the first writes", () => {
    const record = minimalRecord("4620816365000000010");
    const source = { realmId: record.realmId };
    const underA = recordCodec({ encryptionKey: A }).encode(record);
    process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] = ` ${B.toString("base64")} , ${A.toString("hex")} `;
    try {
      const codec = recordCodec();
      assert.equal(codec.encrypted, true);
      assert.deepEqual(plain(codec.decode(underA, source)), plain(record));
      const written = codec.encode(record);
      assert.deepEqual(JSON.parse(decryptRecordText(written, B, source)), plain(record));
    } finally {
      delete process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
    }
  });

  test("an empty list, or a bad key in a list, is a ConfigurationError that never shows a key", () => {
    assert.throws(() => recordCodec({ encryptionKey: [] }), ConfigurationError);
    const bad = "not-a-key-" + A.toString("hex").slice(0, 20);
    for (const encryptionKey of [
      [A, bad],
      [B.toString("base64"), ""],
    ])
      assert.throws(
        () => recordCodec({ encryptionKey }),
        (e: unknown) => {
          assert.ok(e instanceof ConfigurationError, String(e));
          assert.match(e.message, /key 2 of 2/);
          for (const secret of [bad, A.toString("hex"), B.toString("base64")])
            assert.ok(!e.message.includes(secret), e.message);
          return true;
        },
      );
  });
});
