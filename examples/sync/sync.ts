// Keeps a PostgreSQL mirror of one QuickBooks company current: an initial load through queryAll, then
// webhooks (each event only a hint: the entity is read back, and a 610 tombstones it) and CDC catch-up
// after downtime or lost deliveries. Every write to the mirror is idempotent, so replays and overlaps
// converge, and QuickBooks showing an entity live undoes a tombstone.
import {
  CdcIncompleteError,
  CdcLookbackError,
  QuickBooksError,
  type AnyCdcResult,
  type EntityName,
  type QuickBooksClient,
  type WebhookEvent,
} from "../../packages/intuit-oauth-client/src/index.js";
import { isNameList } from "../../packages/intuit-oauth-client/src/quickbooks.js";
import type { PostgresMirror } from "./mirror.js";

/** What catch-up re-reads before the checkpoint, in case a change landed while the last one ran. */
export const SAFETY_MARGIN_MS = 60_000;

/** What a sync step did. */
export interface SyncReport {
  upserted: number;
  deleted: number;
  /** Entities fully re-listed because CDC could not list their deletions. */
  reconciled: EntityName[];
}

export interface CompanySyncOptions {
  qb: QuickBooksClient;
  mirror: PostgresMirror;
  /** The entities to mirror. TimeActivity, CompanyInfo and Preferences are not in Intuit's CDC. */
  entities: readonly EntityName[];
  /** The server's cap on objects per CDC answer: Intuit's 1,000 unless an emulator is set lower. */
  cdcMaxObjects?: number;
}

/** One company's mirror. */
export class CompanySync {
  readonly #qb: QuickBooksClient;
  readonly #mirror: PostgresMirror;
  readonly #entities: readonly EntityName[];
  readonly #cdcMaxObjects: number | undefined;

  constructor(options: CompanySyncOptions) {
    this.#qb = options.qb;
    this.#mirror = options.mirror;
    this.#entities = options.entities;
    this.#cdcMaxObjects = options.cdcMaxObjects;
  }

  get realmId(): string {
    return this.#qb.realmId;
  }

  /** The server's clock, from the `time` of a cheap answer: the emulator's (or Intuit's) clock, not ours. */
  async #serverTime(): Promise<Date> {
    const { time } = await this.#qb.get<{ time?: string }>(`companyinfo/${this.realmId}`);
    const ms = Date.parse(time ?? "");
    return new Date(Number.isNaN(ms) ? Date.now() : ms);
  }

  #listing(entity: EntityName): string {
    // Inactive customers, vendors, items… are part of the company too.
    return `select * from ${entity}${isNameList(entity) ? " where Active in (true, false)" : ""}`;
  }

  /** Loads every entity, then sets the checkpoint to when the load started (changes during it are caught up). */
  async initialLoad(): Promise<SyncReport> {
    const started = await this.#serverTime();
    let upserted = 0;
    for (const entity of this.#entities)
      for await (const page of this.#qb.queryAll(this.#listing(entity)).pages())
        for (const row of page) if (await this.#mirror.upsert(this.realmId, entity, row)) upserted++;
    await this.#mirror.setCheckpoint(this.realmId, started);
    return { upserted, deleted: 0, reconciled: [] };
  }

  /**
   * Applies webhook events of this realm. An event only says which entity to look at: each one is
   * read back and the read decides, so the row is upserted, or tombstoned when QuickBooks answers
   * 610 Object Not Found. A Delete that QuickBooks contradicts (forged, or sent in error) removes
   * nothing; a real one costs one read more than trusting the event would.
   */
  async applyWebhook(events: readonly WebhookEvent[]): Promise<SyncReport> {
    const report: SyncReport = { upserted: 0, deleted: 0, reconciled: [] };
    for (const event of events) {
      if (event.realmId !== this.realmId) continue;
      const entity = this.#entities.find((e) => e === event.entityName);
      if (!entity) continue;
      // A merge names the entity merged away too: look at both.
      if (event.operation === "Merge" && event.deletedId)
        await this.#readBack(entity, event.deletedId, report);
      await this.#readBack(entity, event.entityId, report);
    }
    return report;
  }

  /** Reads one entity and mirrors what QuickBooks answered: the row, or a tombstone on 610. */
  async #readBack(entity: EntityName, id: string, report: SyncReport): Promise<void> {
    let row: Record<string, unknown>;
    try {
      row = (await this.#qb.read(entity, id)) as Record<string, unknown>;
    } catch (err) {
      if (!(err instanceof QuickBooksError && err.errors.some((e) => e.code === "610"))) throw err;
      await this.#mirror.markDeleted(this.realmId, entity, id);
      report.deleted++;
      return;
    }
    if (await this.#mirror.upsert(this.realmId, entity, row)) report.upserted++;
  }

  /**
   * Catches up through CDC from the checkpoint (less a safety margin). When CDC cannot list some
   * deletions (over its cap) the affected entities are re-listed and reconciled; after more than 30
   * days away, everything is.
   */
  async catchUp(): Promise<SyncReport> {
    const checkpoint = await this.#mirror.checkpoint(this.realmId);
    if (!checkpoint) return this.initialLoad();
    const since = new Date(checkpoint.getTime() - SAFETY_MARGIN_MS);
    let result: AnyCdcResult;
    const report: SyncReport = { upserted: 0, deleted: 0, reconciled: [] };
    const cdcEntities = this.#entities.filter((e) => e !== "TimeActivity");
    try {
      result = await this.#qb.cdc(
        cdcEntities,
        since,
        this.#cdcMaxObjects === undefined ? {} : { maxObjects: this.#cdcMaxObjects },
      );
    } catch (err) {
      if (err instanceof CdcLookbackError) return this.#reloadAll();
      if (!(err instanceof CdcIncompleteError)) throw err;
      result = err.result;
      report.reconciled = [...new Set(err.gaps.map((g) => g.entityName))];
    }
    for (const entity of cdcEntities)
      for (const row of (result.changed[entity] ?? []) as Array<Record<string, unknown>>)
        if (await this.#mirror.upsert(this.realmId, entity, row)) report.upserted++;
    for (const d of result.deleted) {
      await this.#mirror.markDeleted(this.realmId, d.entityName, d.id, d.deletedAt);
      report.deleted++;
    }
    for (const entity of report.reconciled) report.deleted += await this.#reconcile(entity);
    const answered = Date.parse(result.time ?? "");
    await this.#mirror.setCheckpoint(this.realmId, Number.isNaN(answered) ? checkpoint : new Date(answered));
    return report;
  }

  /** Re-lists one entity: upserts what exists and tombstones mirror rows QuickBooks no longer has. */
  async #reconcile(entity: EntityName): Promise<number> {
    const listedAt = await this.#serverTime();
    const seen = new Set<string>();
    for await (const page of this.#qb.queryAll(this.#listing(entity)).pages())
      for (const row of page) {
        seen.add(String(row["Id"]));
        await this.#mirror.upsert(this.realmId, entity, row);
      }
    let deleted = 0;
    for (const [id, lastUpdated] of await this.#mirror.liveIds(this.realmId, entity)) {
      // A row changed after the listing began may be newer than the listing: leave it to the next catch-up.
      if (seen.has(id) || (lastUpdated && lastUpdated.getTime() >= listedAt.getTime())) continue;
      await this.#mirror.markDeleted(this.realmId, entity, id);
      deleted++;
    }
    return deleted;
  }

  async #reloadAll(): Promise<SyncReport> {
    const started = await this.#serverTime();
    const report: SyncReport = { upserted: 0, deleted: 0, reconciled: [...this.#entities] };
    for (const entity of this.#entities) report.deleted += await this.#reconcile(entity);
    await this.#mirror.setCheckpoint(this.realmId, started);
    return report;
  }
}
