// The PostgreSQL side of the sync example: one table of entities (JSON) keyed by realm, entity and Id,
// upserted only forward by SyncToken (so replays and out-of-order deliveries change nothing), deletions
// kept as tombstones (undone when QuickBooks shows the entity live again), and one checkpoint per realm
// for CDC catch-up.
import pg from "pg";

/** One mirrored entity. */
export interface MirroredRow {
  entity: string;
  id: string;
  syncToken: number;
  data: Record<string, unknown>;
}

/** A company mirrored into two tables: `<prefix>_entities` and `<prefix>_checkpoints`. */
export class PostgresMirror {
  readonly #pool: pg.Pool;
  readonly #entities: string;
  readonly #checkpoints: string;

  constructor(pool: pg.Pool, prefix = "qbo") {
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix))
      throw new Error("prefix must be a lower-case SQL identifier");
    this.#pool = pool;
    this.#entities = `${prefix}_entities`;
    this.#checkpoints = `${prefix}_checkpoints`;
  }

  async ensureSchema(): Promise<void> {
    await this.#pool.query(`
      create table if not exists ${this.#entities} (
        realm_id text not null,
        entity text not null,
        id text not null,
        sync_token bigint not null,
        last_updated timestamptz,
        deleted boolean not null default false,
        data jsonb,
        primary key (realm_id, entity, id)
      );
      create table if not exists ${this.#checkpoints} (
        realm_id text primary key,
        cdc_since timestamptz not null
      )`);
  }

  /**
   * Stores an entity unless the mirror already has this version or a newer one. Every row comes from
   * QuickBooks (a read, CDC or a listing), so over a tombstone of the same or an older version it
   * restores the row: QuickBooks has just shown it live, and the tombstone was wrong. Returns whether
   * the row changed.
   */
  async upsert(realmId: string, entity: string, row: Record<string, unknown>): Promise<boolean> {
    const id = String(row["Id"]);
    const syncToken = Number(row["SyncToken"] ?? 0);
    const meta = row["MetaData"] as { LastUpdatedTime?: string } | undefined;
    const res = await this.#pool.query(
      `insert into ${this.#entities} (realm_id, entity, id, sync_token, last_updated, data)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (realm_id, entity, id) do update
         set sync_token = excluded.sync_token, last_updated = excluded.last_updated, data = excluded.data,
             deleted = false
         where ${this.#entities}.sync_token < excluded.sync_token
            or (${this.#entities}.deleted and ${this.#entities}.sync_token <= excluded.sync_token)`,
      [realmId, entity, id, syncToken, meta?.LastUpdatedTime ?? null, JSON.stringify(row)],
    );
    return (res.rowCount ?? 0) > 0;
  }

  /**
   * Marks an entity deleted: a tombstone that keeps the last version seen, so an older copy arriving
   * late cannot undo it, while that version or a newer one (QuickBooks showing it live) does.
   */
  async markDeleted(realmId: string, entity: string, id: string, deletedAt?: string): Promise<void> {
    await this.#pool.query(
      `insert into ${this.#entities} (realm_id, entity, id, sync_token, last_updated, deleted, data)
       values ($1, $2, $3, 0, $4, true, null)
       on conflict (realm_id, entity, id) do update set deleted = true, data = null, last_updated = excluded.last_updated`,
      [realmId, entity, id, deletedAt ?? null],
    );
  }

  /** Ids of the live rows of one entity, with when the mirror last saw them change. */
  async liveIds(realmId: string, entity: string): Promise<Map<string, Date | null>> {
    const res = await this.#pool.query<{ id: string; last_updated: Date | null }>(
      `select id, last_updated from ${this.#entities} where realm_id = $1 and entity = $2 and not deleted`,
      [realmId, entity],
    );
    return new Map(res.rows.map((r) => [r.id, r.last_updated]));
  }

  /** Every live row of the realm, by entity then Id. */
  async rows(realmId: string): Promise<MirroredRow[]> {
    const res = await this.#pool.query<{
      entity: string;
      id: string;
      sync_token: string;
      data: Record<string, unknown>;
    }>(
      `select entity, id, sync_token, data from ${this.#entities} where realm_id = $1 and not deleted order by entity, id`,
      [realmId],
    );
    return res.rows.map((r) => ({
      entity: r.entity,
      id: r.id,
      syncToken: Number(r.sync_token),
      data: r.data,
    }));
  }

  async checkpoint(realmId: string): Promise<Date | undefined> {
    const res = await this.#pool.query<{ cdc_since: Date }>(
      `select cdc_since from ${this.#checkpoints} where realm_id = $1`,
      [realmId],
    );
    return res.rows[0]?.cdc_since;
  }

  async setCheckpoint(realmId: string, since: Date): Promise<void> {
    await this.#pool.query(
      `insert into ${this.#checkpoints} (realm_id, cdc_since) values ($1, $2)
       on conflict (realm_id) do update set cdc_since = excluded.cdc_since`,
      [realmId, since],
    );
  }

  /** Drops the example's tables (tests). */
  async drop(): Promise<void> {
    await this.#pool.query(
      `drop table if exists ${this.#entities}; drop table if exists ${this.#checkpoints}`,
    );
  }
}
