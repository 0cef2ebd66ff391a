// PostgresTokenStore: token records and refresh locks in PostgreSQL, for fleets of app servers.
// The only file that touches the `pg` package, and only lazily; it must never be imported by the core.
//
// Schema (created by migrate(); <table> defaults to intuit_oauth_tokens):
//   CREATE TABLE <table> (
//     realm_id   text PRIMARY KEY,
//     record     text NOT NULL,                      -- JSON of the TokenRecord, or enc:v1:… when encrypted
//     updated_at timestamptz NOT NULL DEFAULT now()
//   );
//   CREATE TABLE <table>_locks (
//     realm_id   text PRIMARY KEY,
//     owner      text NOT NULL,                      -- random token returned by tryLock
//     expires_at timestamptz NOT NULL                -- lease end, by the database clock
//   );
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../http/errors.js";
import type { EncryptionKey } from "../encryption.js";
import { recordCodec, type RecordCodec } from "../record.js";
import { TokenStoreError, type TokenRecord, type TokenStore } from "../store.js";

/** The part of a `pg` `Pool` (or `Client`) the store uses. */
export interface PostgresPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** Options of {@link PostgresTokenStore}. Give `pool` or `connectionString`. */
export interface PostgresTokenStoreOptions {
  /** A `pg.Pool` you own; the store never ends it. */
  pool?: PostgresPoolLike | undefined;
  /** A connection string; the store creates (on first use) and ends its own pool. */
  connectionString?: string | undefined;
  /** Table of records; the lock table is `<tableName>_locks`. Default `intuit_oauth_tokens`. May be `schema.table`. */
  tableName?: string | undefined;
  /** Encrypts records at rest (AES-256-GCM). Default: `INTUIT_OAUTH_ENCRYPTION_KEY`, else none. */
  encryptionKey?: EncryptionKey | undefined;
}

// Each part is an unquoted-style identifier short enough to take the "_locks" suffix within 63 bytes.
const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,56}$/;

interface OwnedPool extends PostgresPoolLike {
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): unknown;
}

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
  readonly #codec: RecordCodec;
  readonly #connectionString: string | undefined;
  #pool: Promise<PostgresPoolLike> | undefined;
  #owned: OwnedPool | undefined;
  #closed = false;

  constructor(options: PostgresTokenStoreOptions) {
    if (!options.pool === !options.connectionString)
      throw new ConfigurationError("PostgresTokenStore needs exactly one of `pool` or `connectionString`");
    const name = options.tableName ?? "intuit_oauth_tokens";
    if (!TABLE_NAME.test(name))
      throw new ConfigurationError(
        "PostgresTokenStore tableName must be an identifier (letters, digits, _), optionally schema-qualified",
      );
    this.#table = quoteName(name);
    this.#locks = quoteName(`${name}_locks`);
    this.#lockName = name;
    this.#codec = recordCodec(options.encryptionKey);
    this.#connectionString = options.connectionString;
    if (options.pool) this.#pool = Promise.resolve(options.pool);
  }

  /**
   * Creates the record and lock tables if they do not exist. Safe to run from many processes at
   * once: an advisory lock serialises concurrent migrations.
   */
  async migrate(): Promise<void> {
    // One simple-protocol query: its statements share an implicit transaction, which holds the
    // advisory lock (concurrent CREATE TABLE IF NOT EXISTS can otherwise collide).
    const sql = `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`intuit-oauth-migrate:${this.#lockName}`)}));
CREATE TABLE IF NOT EXISTS ${this.#table} (
  realm_id text PRIMARY KEY,
  record text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${this.#locks} (
  realm_id text PRIMARY KEY,
  owner text NOT NULL,
  expires_at timestamptz NOT NULL
);`;
    await this.#query("migrate", sql);
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    const rows = await this.#query("read", `SELECT record FROM ${this.#table} WHERE realm_id = $1`, [
      realmId,
    ]);
    return rows[0] === undefined ? undefined : this.#parse(rows[0]);
  }

  async set(record: TokenRecord): Promise<void> {
    const value = this.#codec.encode(record);
    // One statement: atomic, and the last writer wins without a read-modify-write race.
    await this.#query(
      "write",
      `INSERT INTO ${this.#table} (realm_id, record, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (realm_id) DO UPDATE SET record = EXCLUDED.record, updated_at = EXCLUDED.updated_at`,
      [record.realmId, value],
    );
  }

  async delete(realmId: string): Promise<void> {
    await this.#query("delete", `DELETE FROM ${this.#table} WHERE realm_id = $1`, [realmId]);
  }

  async list(): Promise<TokenRecord[]> {
    const rows = await this.#query("list", `SELECT record FROM ${this.#table} ORDER BY realm_id`);
    return rows.map((row) => this.#parse(row));
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
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
    await this.#query("unlock", `DELETE FROM ${this.#locks} WHERE realm_id = $1 AND owner = $2`, [
      realmId,
      owner,
    ]);
  }

  /** Ends the pool the store created from `connectionString`. A pool you passed in stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    const owned = this.#owned;
    this.#owned = undefined;
    if (!owned) return;
    try {
      await owned.end();
    } catch (cause) {
      throw new TokenStoreError("PostgreSQL: closing the pool failed", { cause });
    }
  }

  #parse(row: unknown): TokenRecord {
    const value = (row as { record?: unknown }).record;
    // A jsonb column (a schema of your own) arrives already parsed.
    return this.#codec.decode(value);
  }

  async #query(what: string, text: string, values?: unknown[]): Promise<unknown[]> {
    if (this.#closed) throw new TokenStoreError("PostgresTokenStore is closed");
    let pool: PostgresPoolLike;
    try {
      pool = await this.#connect();
    } catch (cause) {
      throw new TokenStoreError(`PostgreSQL: cannot create the pool (${what})`, { cause });
    }
    try {
      const result = await (values ? pool.query(text, values) : pool.query(text));
      return result.rows;
    } catch (cause) {
      const hint =
        (cause as { code?: unknown }).code === "42P01"
          ? " (run PostgresTokenStore.migrate() to create the tables)"
          : "";
      throw new TokenStoreError(`PostgreSQL: ${what} failed: ${messageOf(cause)}${hint}`, { cause });
    }
  }

  #connect(): Promise<PostgresPoolLike> {
    this.#pool ??= this.#createPool().catch((e: unknown) => {
      this.#pool = undefined; // let the next call try again
      throw e;
    });
    return this.#pool;
  }

  async #createPool(): Promise<PostgresPoolLike> {
    const pg = await import("pg");
    const Pool = pg.Pool ?? pg.default.Pool;
    const pool = new Pool({ connectionString: this.#connectionString }) as unknown as OwnedPool;
    // An idle client losing its connection emits 'error' on the pool; unhandled, it would kill
    // the process. The pool replaces the client and the next query reports any real failure.
    pool.on("error", () => {});
    if (this.#closed) {
      await pool.end();
      throw new TokenStoreError("PostgresTokenStore is closed");
    }
    this.#owned = pool;
    return pool;
  }
}

function quoteName(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part}"`)
    .join(".");
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
