// The one PostgreSQL connection of every PostgreSQL class (token store, state store, API limits):
// the user's pool (never ended here) or one created lazily from a connection string; and the one
// rule for table names, with the quoting of identifiers and literals. Failures become the owner's
// error class. No Node built-in; it loads the `pg` package on first use.
import { postgresTarget } from "../../common/connection-url.js";
import { ConfigurationError } from "../../common/errors.js";
import { LazyConnection, type StoreErrorClass } from "../lazy-connection.js";

/** The part of a `pg` `Pool` (or `Client`) the PostgreSQL classes use. */
export interface PostgresPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** How a class reaches PostgreSQL: give `pool` or `connectionString`. */
export interface PostgresConnectionOptions {
  /** A `pg.Pool` you own; it is never ended for you. */
  pool?: PostgresPoolLike | undefined;
  /**
   * A connection string; a pool is created on first use and ended by `close()`. Its idle
   * connections do not keep the process alive, so a script ends by itself.
   */
  connectionString?: string | undefined;
}

interface OwnedPool extends PostgresPoolLike {
  end(): Promise<void>;
  on(event: "error", listener: (err: Error) => void): unknown;
}

// An identifier, optionally schema-qualified, short enough for the longest suffix added to it
// (`_starts_at`, 10 bytes) within PostgreSQL's 63.
const TABLE_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,50}$/;

/** Checks a table-name option (letters, digits, `_`, at most 50, optionally `schema.`); returns it. */
export function checkTableName(name: unknown, owner: string): string {
  if (typeof name !== "string" || !TABLE_NAME.test(name))
    throw new ConfigurationError(
      `${owner} tableName must be an identifier (letters, digits, _, at most 50), optionally schema-qualified`,
    );
  return name;
}

/** `"schema"."name"` for `schema.name` (a name checkTableName accepted, or one built from it). */
export function quoteName(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part}"`)
    .join(".");
}

/** A SQL string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** One lazily created pool. */
export class PostgresConnection {
  readonly #lazy: LazyConnection<PostgresPoolLike>;

  /**
   * @param owner the class name, for messages (`PostgresStateStore`).
   * @param error what failures become (TokenStoreError for the token store, SharedStoreError else).
   */
  constructor(options: PostgresConnectionOptions, owner: string, error: StoreErrorClass) {
    if (!options.pool === !options.connectionString)
      throw new ConfigurationError(`${owner} needs exactly one of \`pool\` or \`connectionString\``);
    const connectionString = options.connectionString;
    this.#lazy = new LazyConnection<PostgresPoolLike>({
      storeName: owner,
      service: "PostgreSQL",
      error,
      given: options.pool,
      target: connectionString === undefined ? undefined : postgresTarget(connectionString, owner),
      open: () => openPool(connectionString),
      close: (pool) => (pool as OwnedPool).end(),
      hint: (cause) =>
        (cause as { code?: unknown } | null)?.code === "42P01" ||
        (cause as { code?: unknown } | null)?.code === "42883"
          ? ` (run ${owner}.migrate() to create its tables)`
          : "",
    });
  }

  /** Runs one statement and returns its rows. */
  async query(what: string, text: string, values?: unknown[]): Promise<unknown[]> {
    return this.#lazy.run(
      what,
      async (pool) => (await (values ? pool.query(text, values) : pool.query(text))).rows,
    );
  }

  close(): Promise<void> {
    return this.#lazy.close();
  }
}

async function openPool(connectionString: string | undefined): Promise<OwnedPool> {
  const pg = await import("pg");
  const Pool = pg.Pool ?? pg.default.Pool;
  // allowExitOnIdle: idle clients do not keep the process alive, so a script ends when its work
  // does, not after the pool's idle timeout.
  const pool = new Pool({ connectionString, allowExitOnIdle: true }) as unknown as OwnedPool;
  // Unhandled, an idle client's lost connection would kill the process.
  pool.on("error", () => {});
  return pool;
}
