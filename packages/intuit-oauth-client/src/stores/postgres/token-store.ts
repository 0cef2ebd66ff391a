// PostgresTokenStore: token records and refresh locks in PostgreSQL, for fleets of app servers.
// The only file that touches the `pg` package, and only lazily; it must never be imported by the core.
//
// Schema (created by migrate(); <table> defaults to intuit_oauth_tokens):
//   CREATE TABLE <table> (
//     realm_id   text PRIMARY KEY,
//     record     text NOT NULL,                      -- JSON of the TokenRecord, or enc:v2:… when encrypted
//     updated_at timestamptz NOT NULL DEFAULT now(),
//     access_token_expires_at bigint DEFAULT -1      -- epoch ms; NULL: never due; -1: not yet known
//   );
//   CREATE INDEX <table>_due ON <table> (access_token_expires_at, realm_id);
//   CREATE TABLE <table>_locks (
//     realm_id   text PRIMARY KEY,
//     owner      text NOT NULL,                      -- random token returned by tryLock
//     expires_at timestamptz NOT NULL                -- lease end, by the database clock
//   );
import { randomUUID } from "node:crypto";
import { positiveMs, REQUIRED } from "../../common/options.js";
import { checkRealmId, compareRealmIds, isValidRealmId } from "../../tokens/realm-id.js";
import { recordCodec, type RecordCodec, type RecordCodecOptions } from "../../tokens/record-codec.js";
import { TokenStoreError, UnreadableRecordError } from "../../tokens/store-errors.js";
import { checkBefore, checkLimit, decodeCursor, dueAt, encodeCursor } from "../../tokens/paging.js";
import type { ListOptions, PageOptions, TokenPage, TokenRecord, TokenStore } from "../../tokens/store.js";
import {
  checkTableName,
  PostgresConnection,
  quoteLiteral,
  quoteName,
  type PostgresConnectionOptions,
} from "./connection.js";

export type { PostgresPoolLike } from "./connection.js";

/** Options of {@link PostgresTokenStore}. Give `pool` or `connectionString`. */
export interface PostgresTokenStoreOptions extends RecordCodecOptions, PostgresConnectionOptions {
  /** Table of records; the lock table is `<tableName>_locks`. Default `intuit_oauth_tokens`. May be `schema.table`. */
  tableName?: string | undefined;
}

// The expiry of a row inserted by other means than set() (by hand, or by a tool of your own): listed
// as due, so it is never missed, until its next write through the store fills it in.
const UNKNOWN_EXPIRY = -1;

type Row = { realm_id?: unknown; record?: unknown };
const realmOf = (row: Row) => (typeof row.realm_id === "string" ? row.realm_id : "");

/**
 * Keeps tokens in PostgreSQL. Call {@link PostgresTokenStore.migrate} once (at deploy or start-up)
 * to create its two tables.
 *
 * @example
 * import { PostgresTokenStore } from "intuit-oauth-client/postgres";
 * const store = new PostgresTokenStore({ connectionString: process.env.DATABASE_URL });
 * await store.migrate();
 * const tokens = new TokenManager({ authClient, store });
 */
export class PostgresTokenStore implements TokenStore {
  readonly #table: string;
  readonly #locks: string;
  readonly #lockName: string;
  readonly #dueIndex: string;
  readonly #codec: RecordCodec;
  readonly #connection: PostgresConnection;

  constructor(options: PostgresTokenStoreOptions) {
    this.#connection = new PostgresConnection(options, "PostgresTokenStore", TokenStoreError);
    const name = checkTableName(options.tableName ?? "intuit_oauth_tokens", "PostgresTokenStore");
    this.#table = quoteName(name);
    this.#locks = quoteName(`${name}_locks`);
    this.#lockName = name;
    // An index lives in its table's schema, so its name is never qualified.
    this.#dueIndex = quoteName(`${name.slice(name.indexOf(".") + 1)}_due`);
    this.#codec = recordCodec(options);
  }

  /**
   * Creates the record and lock tables and the expiry index if they do not exist. Safe to run from
   * many processes at once: an advisory lock serialises concurrent migrations. Run it at every deploy.
   */
  async migrate(): Promise<void> {
    // One simple-protocol query: its statements share an implicit transaction, which holds the
    // advisory lock (concurrent CREATE TABLE IF NOT EXISTS can otherwise collide).
    const sql = `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`intuit-oauth-migrate:${this.#lockName}`)}));
CREATE TABLE IF NOT EXISTS ${this.#table} (
  realm_id text PRIMARY KEY,
  record text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  access_token_expires_at bigint DEFAULT ${UNKNOWN_EXPIRY}
);
CREATE INDEX IF NOT EXISTS ${this.#dueIndex} ON ${this.#table} (access_token_expires_at, realm_id);
CREATE TABLE IF NOT EXISTS ${this.#locks} (
  realm_id text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);`;
    await this.#query("migrate", sql);
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    checkRealmId(realmId);
    const rows = await this.#query(
      "read",
      `SELECT realm_id, record FROM ${this.#table} WHERE realm_id = $1`,
      [realmId],
    );
    return rows[0] === undefined ? undefined : this.#parse(realmId, rows[0]);
  }

  async set(record: TokenRecord): Promise<void> {
    const value = this.#codec.encode(record);
    // One statement: atomic, and the last writer wins without a read-modify-write race.
    // The record and its index entry in one statement: they never disagree.
    await this.#query(
      "write",
      `INSERT INTO ${this.#table} (realm_id, record, updated_at, access_token_expires_at) VALUES ($1, $2, now(), $3)
       ON CONFLICT (realm_id) DO UPDATE SET record = EXCLUDED.record, updated_at = EXCLUDED.updated_at,
         access_token_expires_at = EXCLUDED.access_token_expires_at`,
      [record.realmId, value, this.#expiryColumn(record)],
    );
  }

  async delete(realmId: string): Promise<void> {
    checkRealmId(realmId);
    await this.#query("delete", `DELETE FROM ${this.#table} WHERE realm_id = $1`, [realmId]);
  }

  // Sorted here, not by ORDER BY: the database's collation would differ from every other store.
  async list(options: ListOptions = {}): Promise<TokenRecord[]> {
    const rows = (await this.#query("list", `SELECT realm_id, record FROM ${this.#table}`)) as Row[];
    rows.sort((a, b) => compareRealmIds(realmOf(a), realmOf(b)));
    return this.#records(rows, options);
  }

  /** At most `limit` records, in the database's order of realm_id (its primary key), and the next cursor. */
  async listPage(limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkLimit(limit);
    const after = decodeCursor(options.cursor);
    const rows = (await this.#query(
      "list",
      `SELECT realm_id, record FROM ${this.#table} ${after ? "WHERE realm_id > $2" : ""} ORDER BY realm_id LIMIT $1`,
      after ? [limit + 1, after[1]] : [limit + 1],
    )) as Row[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      records: this.#records(page, options),
      cursor: rows.length > limit && last ? encodeCursor(0, realmOf(last)) : undefined,
    };
  }

  /**
   * Records whose access token expires by `before`, earliest first, from the expiry index: the
   * work grows with what is due, not with what is stored.
   */
  async listDue(before: number, limit: number, options: PageOptions = {}): Promise<TokenPage> {
    checkBefore(before);
    checkLimit(limit);
    const after = decodeCursor(options.cursor);
    const rows = (await this.#query(
      "list",
      `SELECT realm_id, record, access_token_expires_at::text AS due_at FROM ${this.#table}
       WHERE access_token_expires_at <= $1 ${after ? "AND (access_token_expires_at, realm_id) > ($3::bigint, $4::text)" : ""}
       ORDER BY access_token_expires_at, realm_id LIMIT $2`,
      after ? [Math.floor(before), limit + 1, after[0], after[1]] : [Math.floor(before), limit + 1],
    )) as Array<Row & { due_at?: unknown }>;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      records: this.#records(page, options),
      cursor: rows.length > limit && last ? encodeCursor(Number(last.due_at), realmOf(last)) : undefined,
    };
  }

  #records(rows: Row[], options: ListOptions): TokenRecord[] {
    const records: TokenRecord[] = [];
    for (const row of rows) {
      const realmId = realmOf(row);
      try {
        if (!isValidRealmId(realmId))
          throw new UnreadableRecordError(
            `A row of ${this.#table} has a realm_id that is not a valid realm id`,
            {
              realmId,
              reason: "bad_name",
              location: `table ${this.#table}`,
            },
          );
        records.push(this.#parse(realmId, row));
      } catch (e) {
        if (!(e instanceof UnreadableRecordError)) throw e;
        options.onUnreadable?.(e);
      }
    }
    return records;
  }

  /** The value of access_token_expires_at for a record: its expiry, or NULL when it is never due. */
  #expiryColumn(record: TokenRecord): number | null {
    const at = dueAt(record);
    return at === undefined ? null : Math.floor(at);
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    checkRealmId(realmId);
    positiveMs("leaseMs", leaseMs, REQUIRED);
    const owner = randomUUID();
    // The lease is measured by the database clock, so app servers with skewed clocks agree.
    // A row that exists is only taken over when its lease has ended.
    const rows = await this.#query(
      "lock",
      `INSERT INTO ${this.#locks} AS l (realm_id, owner, expires_at)
       VALUES ($1, $2, now() + $3::bigint * interval '1 millisecond')
       ON CONFLICT (realm_id) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
       WHERE l.expires_at <= now()
       RETURNING owner`,
      [realmId, owner, Math.max(1, Math.ceil(leaseMs))],
    );
    return rows.length === 1 ? owner : undefined;
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    checkRealmId(realmId);
    await this.#query("unlock", `DELETE FROM ${this.#locks} WHERE realm_id = $1 AND owner = $2`, [
      realmId,
      owner,
    ]);
  }

  /** Ends the pool the store created from `connectionString`. A pool you passed in stays open. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  #parse(realmId: string, row: unknown): TokenRecord {
    // A jsonb column (a schema of your own) arrives already parsed.
    const value = (row as { record?: unknown }).record;
    return this.#codec.decode(value, { realmId, location: `table ${this.#table}, realm_id ${realmId}` });
  }

  #query(what: string, text: string, values?: unknown[]): Promise<unknown[]> {
    return this.#connection.query(what, text, values);
  }
}
