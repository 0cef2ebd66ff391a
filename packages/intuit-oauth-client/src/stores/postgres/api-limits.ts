// PostgresApiLimits: Intuit's per-realm limits and the metered-call counts held in PostgreSQL, so
// they hold across a fleet. Each admission attempt is one statement, `SELECT <table>_acquire(…)`: a
// function (created by migrate()) that does the whole decision under the realm's advisory lock, on
// the database's clock. No Node built-in; the `pg` package is loaded on first use.
//
// Tables (prefix <t> defaults to intuit_oauth_api): <t>_slots, <t>_starts (rolling windows),
// <t>_queue (processes waiting, in order), <t>_pauses, <t>_counts (realm_id '' is the app's total).
import { SharedStoreError } from "../../common/errors.js";
import type { MeterClass, MeterCounts } from "../../api/metering.js";
import {
  SharedApiLimits,
  type BackendSettings,
  type LimitsBackend,
  type SharedApiLimitsOptions,
  type SharedAttempt,
  type SharedAttemptResult,
} from "../../api/shared-limits.js";
import {
  checkTableName,
  PostgresConnection,
  quoteLiteral,
  quoteName,
  type PostgresConnectionOptions,
} from "./connection.js";

/** Options of {@link PostgresApiLimits}. Give `pool` or `connectionString`. */
export interface PostgresApiLimitsOptions extends SharedApiLimitsOptions, PostgresConnectionOptions {
  /** Prefix of the tables and the function. Default `intuit_oauth_api`. May be `schema.prefix`. */
  tableName?: string;
}

function schema(t: (suffix: string) => string, lockName: string): string {
  return `SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(`intuit-oauth-migrate:${lockName}`)}));
CREATE TABLE IF NOT EXISTS ${t("_slots")} (
  app text NOT NULL, realm_id text NOT NULL, token text NOT NULL, expires_at bigint NOT NULL,
  PRIMARY KEY (app, realm_id, token));
CREATE TABLE IF NOT EXISTS ${t("_starts")} (
  bucket text NOT NULL, app text NOT NULL, realm_id text NOT NULL, token text NOT NULL, started_at bigint NOT NULL,
  PRIMARY KEY (bucket, app, realm_id, token));
CREATE INDEX IF NOT EXISTS ${t("_starts_at").replace(/^.*\./, "")} ON ${t("_starts")} (bucket, app, realm_id, started_at);
CREATE TABLE IF NOT EXISTS ${t("_queue")} (
  app text NOT NULL, realm_id text NOT NULL, lane text NOT NULL, queued_at bigint NOT NULL, expires_at bigint NOT NULL,
  PRIMARY KEY (app, realm_id, lane));
CREATE TABLE IF NOT EXISTS ${t("_pauses")} (
  app text NOT NULL, realm_id text NOT NULL, until_ms bigint NOT NULL, PRIMARY KEY (app, realm_id));
CREATE TABLE IF NOT EXISTS ${t("_counts")} (
  app text NOT NULL, month text NOT NULL, realm_id text NOT NULL,
  core bigint NOT NULL DEFAULT 0, core_plus bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (app, month, realm_id));
CREATE OR REPLACE FUNCTION ${t("_acquire")}(
  p_app text, p_realm text, p_lane text, p_token text, p_lease bigint, p_max int, p_window bigint,
  p_buckets text[], p_bucket_apps text[], p_limits int[], p_class text, p_month text,
  p_budget bigint, p_hard boolean, p_grace bigint, p_releases text[], p_realm_share bigint) RETURNS bigint[]
LANGUAGE plpgsql AS $fn$
DECLARE
  now_ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  room bigint; wait_ms bigint := -1; used bigint; n bigint; oldest bigint; free bigint;
  paused bigint; mine bigint; ahead bigint; keep bigint;
BEGIN
  -- One realm at a time (every app of it: the all-apps batch budget is per realm).
  PERFORM pg_advisory_xact_lock(hashtextextended(${quoteLiteral(`${lockName}:`)} || p_realm, 0));
  IF cardinality(p_releases) > 0 THEN
    DELETE FROM ${t("_slots")} WHERE app = p_app AND realm_id = p_realm AND token = ANY (p_releases);
  END IF;
  DELETE FROM ${t("_slots")} WHERE app = p_app AND realm_id = p_realm AND expires_at <= now_ms;
  DELETE FROM ${t("_queue")} WHERE app = p_app AND realm_id = p_realm AND expires_at <= now_ms;
  IF p_class = 'corePlus' AND p_hard AND p_budget > 0 THEN
    SELECT core_plus INTO used FROM ${t("_counts")} WHERE app = p_app AND month = p_month AND realm_id = '';
    IF coalesce(used, 0) >= p_budget THEN RETURN ARRAY[2, coalesce(used, 0)]; END IF;
  END IF;
  IF p_class = 'corePlus' AND p_realm_share > 0 THEN
    SELECT core_plus INTO used FROM ${t("_counts")} WHERE app = p_app AND month = p_month AND realm_id = p_realm;
    IF coalesce(used, 0) >= p_realm_share THEN RETURN ARRAY[3, coalesce(used, 0)]; END IF;
  END IF;
  SELECT p_max - count(*) INTO room FROM ${t("_slots")} WHERE app = p_app AND realm_id = p_realm;
  SELECT until_ms INTO paused FROM ${t("_pauses")} WHERE app = p_app AND realm_id = p_realm;
  IF paused > now_ms THEN room := 0; wait_ms := paused - now_ms; END IF;
  FOR i IN 1 .. coalesce(cardinality(p_buckets), 0) LOOP
    DELETE FROM ${t("_starts")} WHERE bucket = p_buckets[i] AND app = p_bucket_apps[i] AND realm_id = p_realm
      AND started_at <= now_ms - p_window;
    SELECT count(*), min(started_at) INTO n, oldest FROM ${t("_starts")}
      WHERE bucket = p_buckets[i] AND app = p_bucket_apps[i] AND realm_id = p_realm;
    free := p_limits[i] - n;
    IF free < room THEN room := free; END IF;
    IF free <= 0 THEN wait_ms := greatest(wait_ms, oldest + p_window - now_ms); END IF;
  END LOOP;
  IF room > 0 THEN
    SELECT queued_at INTO mine FROM ${t("_queue")} WHERE app = p_app AND realm_id = p_realm AND lane = p_lane;
    IF mine IS NULL THEN
      IF EXISTS (SELECT 1 FROM ${t("_queue")} WHERE app = p_app AND realm_id = p_realm) THEN room := 0; END IF;
    ELSE
      SELECT count(*) INTO ahead FROM ${t("_queue")}
        WHERE app = p_app AND realm_id = p_realm AND (queued_at, lane) < (mine, p_lane);
      IF ahead >= room THEN room := 0; END IF;
    END IF;
  END IF;
  IF room <= 0 THEN
    keep := now_ms + greatest(wait_ms, 0) + p_grace;
    INSERT INTO ${t("_queue")} AS q VALUES (p_app, p_realm, p_lane, now_ms, keep)
      ON CONFLICT (app, realm_id, lane) DO UPDATE SET expires_at = EXCLUDED.expires_at;
    RETURN ARRAY[0, wait_ms];
  END IF;
  INSERT INTO ${t("_slots")} VALUES (p_app, p_realm, p_token, now_ms + p_lease);
  DELETE FROM ${t("_queue")} WHERE app = p_app AND realm_id = p_realm AND lane = p_lane;
  FOR i IN 1 .. coalesce(cardinality(p_buckets), 0) LOOP
    INSERT INTO ${t("_starts")} VALUES (p_buckets[i], p_bucket_apps[i], p_realm, p_token, now_ms);
  END LOOP;
  used := 0;
  IF p_class <> '' THEN
    INSERT INTO ${t("_counts")} AS c VALUES (p_app, p_month, p_realm, (p_class = 'core')::int, (p_class = 'corePlus')::int)
      ON CONFLICT (app, month, realm_id) DO UPDATE SET core = c.core + EXCLUDED.core, core_plus = c.core_plus + EXCLUDED.core_plus;
    INSERT INTO ${t("_counts")} AS c VALUES (p_app, p_month, '', (p_class = 'core')::int, (p_class = 'corePlus')::int)
      ON CONFLICT (app, month, realm_id) DO UPDATE SET core = c.core + EXCLUDED.core, core_plus = c.core_plus + EXCLUDED.core_plus
      RETURNING c.core_plus INTO used;
    IF p_class <> 'corePlus' THEN used := 0; END IF;
  END IF;
  RETURN ARRAY[1, used];
END
$fn$;`;
}

const NOW_MS = "floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint";
// Rolling-window rows of idle realms are removed by every this-many attempts of a process.
const PRUNE_EVERY = 1000;

class PostgresLimitsBackend implements LimitsBackend {
  readonly #pg: PostgresConnection;
  readonly #settings: BackendSettings;
  readonly #t: (suffix: string) => string;
  #attempts = 0;

  constructor(pg: PostgresConnection, settings: BackendSettings, t: (suffix: string) => string) {
    this.#pg = pg;
    this.#settings = settings;
    this.#t = t;
  }

  async attempt(a: SharedAttempt): Promise<SharedAttemptResult> {
    const { limits, metering, leaseMs, graceMs } = this.#settings;
    if (++this.#attempts % PRUNE_EVERY === 0) void this.prune().catch(() => {});
    const rows = (await this.#pg.query(
      "acquire",
      `SELECT ${this.#t("_acquire")}($1, $2, $3, $4, $5, $6, $7, $8::text[], $9::text[], $10::int[], $11, $12, $13, $14, $15, $16::text[], $17) AS r`,
      [
        metering.app,
        a.realmId,
        a.lane,
        a.token,
        leaseMs,
        limits.maxConcurrent,
        limits.windowMs,
        a.buckets.map((b) => b.name),
        a.buckets.map((b) => (b.scope === "app" ? metering.app : "")),
        a.buckets.map((b) => b.limit),
        a.meterClass ?? "",
        a.month,
        metering.budget ?? 0,
        metering.hardCap,
        graceMs,
        a.releases,
        metering.realmShare ?? 0,
      ],
    )) as Array<{ r?: unknown }>;
    const reply = rows[0]?.r;
    const [status, value] = Array.isArray(reply) ? reply.map(Number) : [];
    if (status === 1) return { status: "granted", used: value ?? 0 };
    if (status === 2) return { status: "overBudget", used: value ?? 0 };
    if (status === 3) return { status: "overRealmShare", used: value ?? 0 };
    if (status === 0)
      return { status: "refused", waitMs: value === undefined || value < 0 ? undefined : value };
    throw new SharedStoreError(
      `PostgreSQL: unexpected reply from ${this.#t("_acquire")}: ${JSON.stringify(reply)}`,
    );
  }

  async release(realmId: string, tokens: readonly string[]): Promise<void> {
    await this.#pg.query(
      "release",
      `DELETE FROM ${this.#t("_slots")} WHERE app = $1 AND realm_id = $2 AND token = ANY ($3::text[])`,
      [this.#settings.metering.app, realmId, tokens],
    );
  }

  async renew(realmId: string, tokens: readonly string[]): Promise<void> {
    await this.#pg.query(
      "renew",
      `UPDATE ${this.#t("_slots")} SET expires_at = ${NOW_MS} + $4 WHERE app = $1 AND realm_id = $2 AND token = ANY ($3::text[])`,
      [this.#settings.metering.app, realmId, tokens, this.#settings.leaseMs],
    );
  }

  async refund(realmId: string, meterClass: MeterClass, month: string): Promise<void> {
    const core = meterClass === "core" ? 1 : 0;
    await this.#pg.query(
      "refund",
      `UPDATE ${this.#t("_counts")} SET core = greatest(core - $4, 0), core_plus = greatest(core_plus - $5, 0)
       WHERE app = $1 AND month = $2 AND realm_id IN ($3, '')`,
      [this.#settings.metering.app, month, realmId, core, 1 - core],
    );
  }

  async pause(realmId: string, ms: number): Promise<void> {
    await this.#pg.query(
      "pause",
      `INSERT INTO ${this.#t("_pauses")} AS p VALUES ($1, $2, ${NOW_MS} + $3)
       ON CONFLICT (app, realm_id) DO UPDATE SET until_ms = greatest(p.until_ms, EXCLUDED.until_ms)`,
      [this.#settings.metering.app, realmId, ms],
    );
  }

  async usage(
    month: string,
    realms: boolean,
  ): Promise<{ total: MeterCounts; realms?: Record<string, MeterCounts> }> {
    const rows = (await this.#pg.query(
      "usage",
      `SELECT realm_id, core, core_plus FROM ${this.#t("_counts")} WHERE app = $1 AND month = $2${realms ? "" : " AND realm_id = ''"}`,
      [this.#settings.metering.app, month],
    )) as Array<{ realm_id: string; core: string | number; core_plus: string | number }>;
    const out: { total: MeterCounts; realms?: Record<string, MeterCounts> } = {
      total: { core: 0, corePlus: 0 },
    };
    // Keys are realm ids: without a prototype, no id (`__proto__`) can be anything but a key.
    if (realms) out.realms = Object.create(null) as Record<string, MeterCounts>;
    for (const row of rows) {
      const counts = { core: Number(row.core), corePlus: Number(row.core_plus) };
      if (row.realm_id === "") out.total = counts;
      else if (out.realms) out.realms[row.realm_id] = counts;
    }
    return out;
  }

  /** Removes rolling-window rows, expired slots, queue places and pauses of every realm. */
  async prune(): Promise<void> {
    const window = this.#settings.limits.windowMs;
    await this.#pg.query(
      "prune",
      `WITH n AS (SELECT ${NOW_MS} AS ms),
       s AS (DELETE FROM ${this.#t("_starts")} WHERE started_at <= (SELECT ms FROM n) - $1),
       l AS (DELETE FROM ${this.#t("_slots")} WHERE expires_at <= (SELECT ms FROM n)),
       q AS (DELETE FROM ${this.#t("_queue")} WHERE expires_at <= (SELECT ms FROM n))
       DELETE FROM ${this.#t("_pauses")} WHERE until_ms <= (SELECT ms FROM n)`,
      [window],
    );
  }

  close(): Promise<void> {
    return this.#pg.close();
  }
}

/**
 * Intuit's per-realm limits (10 in flight, 500 a minute, batch 40 a minute…) and the App Partner
 * Program's metered-call counts, held in PostgreSQL for a whole fleet. One statement per admission;
 * slots are leases, so a crashed process's slots come back after `leaseMs`. Run
 * {@link PostgresApiLimits.migrate} once to create the tables and the function.
 *
 * @example
 * import { PostgresApiLimits } from "intuit-oauth-client/postgres";
 * const limits = new PostgresApiLimits({ connectionString: process.env.DATABASE_URL, app: clientId });
 * await limits.migrate();
 * const qb = quickbooks(tokens, realmId, { limits });
 */
export class PostgresApiLimits extends SharedApiLimits {
  readonly #pg: PostgresConnection;
  readonly #name: string;
  readonly #t: (suffix: string) => string;
  #backend: PostgresLimitsBackend | undefined;

  constructor(options: PostgresApiLimitsOptions) {
    const pg = new PostgresConnection(options, "PostgresApiLimits", SharedStoreError);
    const name = checkTableName(options.tableName ?? "intuit_oauth_api", "PostgresApiLimits");
    const t = (suffix: string) => quoteName(`${name}${suffix}`);
    let made: PostgresLimitsBackend | undefined;
    super(options, (settings) => (made = new PostgresLimitsBackend(pg, settings, t)));
    this.#pg = pg;
    this.#name = name;
    this.#t = t;
    this.#backend = made;
  }

  /** Creates the tables and the function (idempotent; safe from many processes at once). */
  async migrate(): Promise<void> {
    await this.#pg.query("migrate", schema(this.#t, this.#name));
  }

  /** Removes rows of idle realms that have expired (also done every 1000 attempts of a process). */
  async prune(): Promise<void> {
    await this.#backend?.prune();
  }
}
