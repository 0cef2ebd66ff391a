// PostgresTokenStore against a real PostgreSQL: the conformance suite (store-owned and user-supplied
// pools), plus migrate(), the schema, the DB-clock lease and pool ownership. Skips without a server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { serializeRecord } from "../../src/tokens/record.js";
import { PostgresTokenStore } from "../../src/stores/postgres/token-store.js";
import { postgresUrl, requireOrSkip, uniqueName } from "../support/services.js";
import { minimalRecord, storeConformance, type StoreFixture } from "../../src/testing/index.js";

const url = await postgresUrl();
const skip = requireOrSkip(url, "postgres");
let raw: pg.Pool | undefined;

before(() => {
  if (skip) return;
  raw = new pg.Pool({ connectionString: url, max: 5 });
  raw.on("error", () => {});
});
after(async () => {
  await raw?.end();
});

function rawPool(): pg.Pool {
  if (!raw) throw new Error("no raw PostgreSQL pool");
  return raw;
}

async function dropTables(table: string): Promise<void> {
  await rawPool().query(`DROP TABLE IF EXISTS "${table}", "${table}_locks"`);
}

function fixture(own: "connectionString" | "pool") {
  return async (): Promise<StoreFixture> => {
    const tableName = uniqueName("intuit_test");
    const store =
      own === "pool"
        ? new PostgresTokenStore({ pool: rawPool(), tableName })
        : new PostgresTokenStore({ connectionString: url, tableName });
    await store.migrate();
    return {
      store,
      async cleanup() {
        await store.close();
        await dropTables(tableName);
      },
      async writeRaw(realmId, text) {
        await rawPool().query(
          `INSERT INTO "${tableName}" (realm_id, record) VALUES ($1, $2)
           ON CONFLICT (realm_id) DO UPDATE SET record = EXCLUDED.record`,
          [realmId, text],
        );
      },
      async readRaw(realmId) {
        const r = await rawPool().query<{ record: string }>(
          `SELECT record FROM "${tableName}" WHERE realm_id = $1`,
          [realmId],
        );
        return r.rows[0]?.record;
      },
      async reopen(options) {
        return new PostgresTokenStore({ pool: rawPool(), tableName, ...options });
      },
    };
  };
}

storeConformance("PostgresTokenStore (own pool from connectionString)", fixture("connectionString"), {
  skip,
});
storeConformance("PostgresTokenStore (user-supplied pool)", fixture("pool"), { skip });

describe("PostgresTokenStore specifics", { skip }, () => {
  test("migrate() creates the documented schema, and is idempotent under concurrency", async () => {
    const tableName = uniqueName("intuit_test");
    const stores = Array.from({ length: 5 }, () => new PostgresTokenStore({ pool: rawPool(), tableName }));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]?.migrate();
      const columns = await rawPool().query<{
        table_name: string;
        column_name: string;
        data_type: string;
        is_nullable: string;
      }>(
        `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
         WHERE table_name IN ($1, $2) ORDER BY table_name, ordinal_position`,
        [tableName, `${tableName}_locks`],
      );
      assert.deepEqual(
        columns.rows.map(
          (c) => `${c.table_name === tableName ? "t" : "l"}.${c.column_name} ${c.data_type} ${c.is_nullable}`,
        ),
        [
          "t.realm_id text NO",
          "t.record text NO",
          "t.updated_at timestamp with time zone NO",
          "t.access_token_expires_at bigint YES",
          "l.realm_id text NO",
          "l.owner text NO",
          "l.expires_at timestamp with time zone NO",
        ],
      );
      const record = minimalRecord("4620816365");
      await stores[1]?.set(record);
      const row = await rawPool().query(`SELECT record FROM "${tableName}" WHERE realm_id = '4620816365'`);
      assert.deepEqual(row.rows, [{ record: serializeRecord(record) }]);
    } finally {
      await dropTables(tableName);
    }
  });

  test("listDue is served by the expiry index", async () => {
    const tableName = uniqueName("intuit_test");
    const store = new PostgresTokenStore({ pool: rawPool(), tableName });
    const client = await rawPool().connect();
    try {
      await store.migrate();
      await client.query("SET enable_seqscan = off");
      const plan = await client.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT realm_id FROM "${tableName}" WHERE access_token_expires_at <= 5
         AND (access_token_expires_at, realm_id) > (1::bigint, 'x'::text) ORDER BY access_token_expires_at, realm_id LIMIT 10`,
      );
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      assert.match(text, new RegExp(`Index (Only )?Scan using "?${tableName}_due"?`), text);
      assert.doesNotMatch(text, /Sort/, "no sort: the index gives the order");
    } finally {
      client.release();
      await dropTables(tableName);
    }
  });

  test("the lease is set by the database clock", async () => {
    const tableName = uniqueName("intuit_test");
    const store = new PostgresTokenStore({ pool: rawPool(), tableName });
    try {
      await store.migrate();
      const owner = await store.tryLock("4620816361", 60_000);
      const r = await rawPool().query<{ owner: string; ms: string }>(
        `SELECT owner, (extract(epoch FROM expires_at - now()) * 1000)::bigint::text AS ms FROM "${tableName}_locks"`,
      );
      assert.equal(r.rows.length, 1);
      assert.equal(r.rows[0]?.owner, owner);
      const ms = Number(r.rows[0]?.ms);
      assert.ok(ms > 55_000 && ms <= 60_000, `lease ${ms} ms`);
      await store.unlock("4620816361", owner ?? "");
      assert.equal((await rawPool().query(`SELECT 1 FROM "${tableName}_locks"`)).rowCount, 0);
    } finally {
      await dropTables(tableName);
    }
  });

  test("before migrate(), calls fail with a TokenStoreError that says to migrate", async () => {
    const store = new PostgresTokenStore({ pool: rawPool(), tableName: uniqueName("intuit_test") });
    await assert.rejects(store.get("4620816361"), (e: Error) => {
      assert.equal(e.name, "TokenStoreError");
      assert.match(
        e.message,
        /^PostgreSQL: read failed: relation ".*" does not exist \(run PostgresTokenStore\.migrate\(\) to create its tables\)$/,
      );
      assert.equal((e.cause as { code?: string }).code, "42P01");
      return true;
    });
  });

  test("tableName must be an identifier", () => {
    // One rule for every PostgreSQL class: at most 50 characters, so every suffix fits in 63.
    for (const bad of ["bad-name", 'x"; DROP TABLE y; --', "a.b.c", "1abc", "", "x".repeat(52)])
      assert.throws(() => new PostgresTokenStore({ pool: rawPool(), tableName: bad }), {
        name: "ConfigurationError",
        message:
          "PostgresTokenStore tableName must be an identifier (letters, digits, _, at most 50), optionally schema-qualified",
      });
    for (const good of ["tokens", "public.tokens", "_T1", "x".repeat(51)])
      assert.doesNotThrow(() => new PostgresTokenStore({ pool: rawPool(), tableName: good }));
  });

  test("a schema-qualified table works", async () => {
    const schema = uniqueName("intuit_schema");
    await rawPool().query(`CREATE SCHEMA "${schema}"`);
    try {
      const store = new PostgresTokenStore({ pool: rawPool(), tableName: `${schema}.tokens` });
      await store.migrate();
      await store.set(minimalRecord("4620816361"));
      assert.deepEqual(await store.list(), [minimalRecord("4620816361")]);
      assert.equal(typeof (await store.tryLock("4620816361", 1000)), "string");
    } finally {
      await rawPool().query(`DROP SCHEMA "${schema}" CASCADE`);
    }
  });

  test("close() leaves a user-supplied pool open and ends its own", async () => {
    const tableName = uniqueName("intuit_test");
    const mine = new PostgresTokenStore({ pool: rawPool(), tableName });
    await mine.migrate();
    await mine.close();
    assert.deepEqual((await rawPool().query("SELECT 1 AS one")).rows, [{ one: 1 }]);
    const own = new PostgresTokenStore({ connectionString: url, tableName });
    assert.equal(await own.get("4620816399"), undefined);
    await own.close();
    await assert.rejects(own.get("4620816399"), {
      name: "TokenStoreError",
      message: "PostgresTokenStore is closed",
    });
    await dropTables(tableName);
  });

  test("options: exactly one of pool or connectionString", () => {
    assert.throws(() => new PostgresTokenStore({}), {
      name: "ConfigurationError",
      message: "PostgresTokenStore needs exactly one of `pool` or `connectionString`",
    });
    assert.throws(() => new PostgresTokenStore({ pool: rawPool(), connectionString: "postgres://x" }), {
      name: "ConfigurationError",
    });
  });
});
