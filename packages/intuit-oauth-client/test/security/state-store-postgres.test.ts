// PostgresStateStore (issue 19, item 14): one statement marks every key of a consume, so a failure
// part way (a bad key, or an error raised by the database after the first row) leaves none marked,
// and a webhook redelivery is not refused as a duplicate.
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { PostgresStateStore } from "../../src/postgres.js";
import { postgresUrl, requireOrSkip, uniqueName } from "../support/services.js";

const url = await postgresUrl();
const skip = requireOrSkip(url, "postgres");

test("a consume that fails part way leaves none of its keys marked", { skip }, async () => {
  const tableName = uniqueName("st");
  const store = new PostgresStateStore({ connectionString: url!, tableName });
  const admin = new pg.Client({ connectionString: url! });
  await admin.connect();
  try {
    await store.migrate();
    await assert.rejects(store.consume(["event-a", "", "event-b"], 60_000), { code: "ERR_CONFIGURATION" });
    // The database fails the statement on its second row, after the first was inserted.
    await admin.query(`CREATE FUNCTION ${tableName}_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.key = 'event-boom' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await admin.query(
      `CREATE TRIGGER ${tableName}_fail BEFORE INSERT ON ${tableName} FOR EACH ROW EXECUTE FUNCTION ${tableName}_fail()`,
    );
    await assert.rejects(store.consume(["event-a", "event-boom", "event-b"], 60_000), {
      code: "ERR_SHARED_STORE",
      message: /disk full/,
    });
    assert.deepEqual(await store.consume(["event-a", "event-b"], 60_000), []);
  } finally {
    await admin.query(`DROP TABLE IF EXISTS ${tableName}`).catch(() => {});
    await admin.query(`DROP FUNCTION IF EXISTS ${tableName}_fail()`).catch(() => {});
    await admin.end();
    await store.close();
  }
});
