// PostgresStateStore: a StateStore in PostgreSQL for a fleet: one INSERT … ON CONFLICT statement
// marks every key of a call (an expired row is taken over). Used for callback states and codes
// (AuthClient's `stateStore`) and webhook event ids (handleWebhookOnce). No Node built-in; `pg` loads lazily.
import { SharedStoreError } from "../../common/errors.js";
import { checkConsume, type StateStore } from "../../state/state-store.js";
import {
  checkTableName,
  PostgresConnection,
  quoteLiteral,
  quoteName,
  type PostgresConnectionOptions,
} from "./connection.js";

/** Options of {@link PostgresStateStore}. Give `pool` or `connectionString`. */
export interface PostgresStateStoreOptions extends PostgresConnectionOptions {
  /** The table. Default `intuit_oauth_states`. May be `schema.table`. */
  tableName?: string;
}

// Expired rows are deleted by every this-many consumes of a process.
const PRUNE_EVERY = 256;

/**
 * A StateStore in PostgreSQL, shared by every process of a fleet. Run
 * {@link PostgresStateStore.migrate} once to create its table.
 *
 * @example
 * import { PostgresStateStore } from "intuit-oauth-client/postgres";
 * const stateStore = new PostgresStateStore({ connectionString: process.env.DATABASE_URL });
 * await stateStore.migrate();
 * const authClient = new AuthClient({ ...options, stateStore });
 */
export class PostgresStateStore implements StateStore {
  readonly #pg: PostgresConnection;
  readonly #name: string;
  readonly #table: string;
  #consumes = 0;

  constructor(options: PostgresStateStoreOptions) {
    this.#pg = new PostgresConnection(options, "PostgresStateStore", SharedStoreError);
    this.#name = checkTableName(options.tableName ?? "intuit_oauth_states", "PostgresStateStore");
    this.#table = quoteName(this.#name);
  }

  /** Creates the table if it does not exist (safe from many processes at once). */
  async migrate(): Promise<void> {
    await this.#pg.query(
      "migrate",
      `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`intuit-oauth-migrate:${this.#name}`)}));
CREATE TABLE IF NOT EXISTS ${this.#table} (key text PRIMARY KEY, expires_at timestamptz NOT NULL);`,
    );
  }

  async consume(keys: readonly string[], ttlMs: number): Promise<string[]> {
    checkConsume(keys, ttlMs);
    if (keys.length === 0) return [];
    if (++this.#consumes % PRUNE_EVERY === 0) void this.prune().catch(() => {});
    const distinct = [...new Set(keys)];
    // Rows inserted, or taken over because they had expired, come back: those keys are ours.
    const rows = (await this.#pg.query(
      "consume",
      `INSERT INTO ${this.#table} AS s (key, expires_at)
       SELECT k, clock_timestamp() + $2::bigint * interval '1 millisecond' FROM unnest($1::text[]) AS k
       ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE s.expires_at <= clock_timestamp()
       RETURNING key`,
      [distinct, ttlMs],
    )) as Array<{ key: string }>;
    const mine = new Set(rows.map((r) => r.key));
    const first = new Set<string>();
    return keys.filter((k) => {
      if (mine.has(k) && !first.has(k)) {
        first.add(k);
        return false;
      }
      return true;
    });
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.#pg.query("release", `DELETE FROM ${this.#table} WHERE key = ANY ($1::text[])`, [[...keys]]);
  }

  /** Deletes expired rows (also done every 256 consumes of a process). */
  async prune(): Promise<void> {
    await this.#pg.query("prune", `DELETE FROM ${this.#table} WHERE expires_at <= clock_timestamp()`);
  }

  /** Ends the pool created from `connectionString`; a pool you passed in stays open. */
  close(): Promise<void> {
    return this.#pg.close();
  }
}
