// `qb.cdc(entities, since)`: change data capture. Returns the entities changed since a time (their
// latest state) and the ones deleted, guarding Intuit's 30-day lookback. An answer that reaches the
// cap (1,000 objects) is asked again for half the entities; for one entity, the window is split in
// two: CDC answers the later half, a paged query the earlier half's changes. CDC has only a lower
// bound, so deletions in such an earlier half cannot be listed: that is a CdcIncompleteError (or,
// when allowed, a reported gap), never a silent omission.
import { ConfigurationError, IntuitOAuthError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { QuickBooksError } from "./fault.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import { isEntityName, isNameList, isSingleton, type EntityName, type EntityOf } from "./entities/index.js";
import { queryAll } from "./query-all.js";

/** How far back CDC reaches (Intuit: 30 days). */
export const CDC_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
/** Most objects in one CDC answer (Intuit: 1,000). */
export const CDC_MAX_OBJECTS = 1000;
// Entities Intuit's CDC does not serve (its reference: JournalCode, TimeActivity, TaxAgency, TaxCode,
// TaxRate), and ExchangeRate, which has no Id to report a change by.
const NOT_IN_CDC: ReadonlySet<string> = new Set([
  "TimeActivity",
  "JournalCode",
  "TaxAgency",
  "TaxCode",
  "TaxRate",
  "ExchangeRate",
]);
const SECOND = 1000;

/** Whether Intuit's CDC serves an entity: not a singleton, and not one its reference leaves out. */
export function cdcServes(name: string): boolean {
  return isEntityName(name) && !isSingleton(name) && !NOT_IN_CDC.has(name);
}

/** Options of `qb.cdc`. */
export interface CdcOptions extends DataPlaneCallOptions {
  /** The server's cap on objects per answer; an answer this large is split. Default 1000. */
  maxObjects?: number;
  /**
   * Return a result whose deletions may be incomplete (listed in `deletionGaps`) instead of throwing
   * CdcIncompleteError. Only for callers that reconcile those windows themselves. Default false.
   */
  allowDeletionGaps?: boolean;
}

/** An entity deleted in the window. */
export interface CdcDeletion {
  entityName: EntityName;
  id: string;
  /** When, as Intuit sent it (`MetaData.LastUpdatedTime` of the deleted object). */
  deletedAt: string | undefined;
}

/** A window of one entity whose deletions could not be listed (CDC was over its cap there). */
export interface CdcGap {
  entityName: EntityName;
  /** ISO time, inclusive. */
  from: string;
  /** ISO time, exclusive. */
  to: string;
}

/** What `qb.cdc` returns. */
export interface CdcResult<K extends EntityName> {
  /** For each entity asked for, the changed ones (latest state, oldest change first); inactive ones included. */
  changed: { [P in K]: Array<EntityOf<P>> };
  deleted: CdcDeletion[];
  /** The server's `time` of the first answer: the next catch-up may start from it (less a safety margin). */
  time: string | undefined;
  /** Windows whose deletions are missing; empty unless `allowDeletionGaps` (otherwise they throw). */
  deletionGaps: CdcGap[];
  /** Requests made (CDC and paged queries). */
  requests: number;
}

/** A CDC result whose entity types are known only at run time (the one CdcIncompleteError carries). */
export type AnyCdcResult = Omit<CdcResult<EntityName>, "changed"> & {
  changed: { [P in EntityName]?: Array<EntityOf<P>> };
};

/**
 * `since` is further back than CDC reaches (30 days): refused by the local check before anything was
 * sent, or by the server (`serverRefused`, with its QuickBooksError as `cause`) when its clock or
 * rule is stricter than ours. Either way: reload with queryAll, then catch up.
 */
export class CdcLookbackError extends IntuitOAuthError {
  static override readonly code = "ERR_CDC_LOOKBACK";
  declare readonly code: "ERR_CDC_LOOKBACK";
  /** The time asked for, ISO. */
  readonly since: string;
  /** The earliest time allowed now, ISO (the server's when it said, else ours). */
  readonly earliest: string;
  /** Whether the server refused it (the local check had passed). */
  readonly serverRefused: boolean;
  constructor(since: number, earliest: number, serverFault?: QuickBooksError) {
    super(
      `CDC reaches back 30 days: ${iso(since)} is before ${iso(earliest)}${serverFault ? " (refused by the server)" : ""}. Load the entities with queryAll instead, then catch up with CDC from the time the load started.`,
      serverFault ? { cause: serverFault } : undefined,
    );
    this.since = iso(since);
    this.earliest = iso(earliest);
    this.serverRefused = serverFault !== undefined;
  }
}

/**
 * Whether a Fault is Intuit's refusal of a `changedSince` older than CDC reaches. Intuit does not
 * document its exact text, so this matches robustly: an error about `changedSince` (its element or
 * its text) that speaks of the 30 days or of a time too far back.
 */
export function isCdcLookbackFault(error: unknown): error is QuickBooksError {
  if (!(error instanceof QuickBooksError) || error.statusCode >= 500) return false;
  return error.errors.some((e) => {
    const text = `${e.message ?? ""} ${e.detail ?? ""}`;
    const aboutSince = /changedsince/i.test(e.element ?? "") || /changed\s*since/i.test(text);
    return aboutSince && /30\s*days|thirty|too old|too far|in the past|ago|earliest|before|older/i.test(text);
  });
}

/** The earliest time a lookback Fault names (`the earliest allowed is …`), if it names one. */
function earliestIn(error: QuickBooksError): number | undefined {
  for (const e of error.errors) {
    const m = /earliest[^0-9]*(\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2}))/i.exec(
      `${e.message} ${e.detail ?? ""}`,
    );
    const t = m ? Date.parse(m[1]!) : Number.NaN;
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** Changes were found but some deletions could not be listed: CDC was over its cap in `gaps`. */
export class CdcIncompleteError extends IntuitOAuthError {
  static override readonly code = "ERR_CDC_INCOMPLETE";
  declare readonly code: "ERR_CDC_INCOMPLETE";
  readonly gaps: readonly CdcGap[];
  /** Everything that was found, changes complete; deletions missing in `gaps`. */
  readonly result: AnyCdcResult;
  constructor(result: AnyCdcResult) {
    super(
      `CDC answered more than its cap for ${[...new Set(result.deletionGaps.map((g) => g.entityName))].join(", ")}: deletions before ${result.deletionGaps.map((g) => g.to).join(", ")} could not be listed. Catch up more often, or reconcile those entities' ids (pass allowDeletionGaps to get the result anyway).`,
    );
    this.gaps = result.deletionGaps;
    this.result = result;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function toMs(since: Date | string | number): number {
  const ms = since instanceof Date ? since.getTime() : typeof since === "number" ? since : Date.parse(since);
  if (typeof ms !== "number" || !Number.isFinite(ms))
    throw new ConfigurationError("since must be a Date, an ISO date-time or epoch milliseconds");
  return ms;
}

type Row = Record<string, unknown>;

/** What one CDC answer held. */
interface Answer {
  rows: Array<{ entity: EntityName; row: Row }>;
  count: number;
  time: string | undefined;
}

/** Latest state wins: a higher SyncToken, else a later LastUpdatedTime. */
function newer(a: Row, b: Row): boolean {
  const sa = Number(a["SyncToken"]);
  const sb = Number(b["SyncToken"]);
  if (Number.isFinite(sa) && Number.isFinite(sb) && sa !== sb) return sa > sb;
  const ta = Date.parse(String((a["MetaData"] as Row | undefined)?.["LastUpdatedTime"] ?? ""));
  const tb = Date.parse(String((b["MetaData"] as Row | undefined)?.["LastUpdatedTime"] ?? ""));
  return ta > tb;
}

/**
 * The changes and deletions of `entities` since `since`.
 *
 * @example
 * const { changed, deleted, time } = await qb.cdc(["Customer", "Invoice"], lastSync);
 * for (const c of changed.Customer) await upsert(c);
 * for (const d of deleted) await remove(d.entityName, d.id);
 */
export async function changeDataCapture<K extends EntityName>(
  plane: DataPlane,
  entities: readonly K[],
  since: Date | string | number,
  options: CdcOptions = {},
): Promise<CdcResult<K>> {
  if (!Array.isArray(entities) || entities.length === 0)
    throw new ConfigurationError("cdc needs at least one entity name");
  const names = [...new Set(entities)];
  for (const name of names) {
    if (!isEntityName(name)) throw new ConfigurationError(`unknown entity ${JSON.stringify(name)}`);
    if (!cdcServes(name))
      throw new ConfigurationError(`Intuit's CDC does not serve ${name}; query it instead`);
  }
  const max = positiveInt("maxObjects", options.maxObjects, CDC_MAX_OBJECTS);
  const requested = toMs(since);
  const earliest = plane.now() - CDC_LOOKBACK_MS;
  if (requested < earliest) throw new CdcLookbackError(requested, earliest);
  // Entity times have whole seconds; starting at the second is inclusive and loses nothing.
  const from = Math.floor(requested / SECOND) * SECOND;

  const changed = new Map<K, Map<string, Row>>(names.map((n) => [n, new Map()]));
  const deleted = new Map<string, CdcDeletion>();
  const gaps: CdcGap[] = [];
  let time: string | undefined;
  let requests = 0;

  const call = { signal: options.signal, timeoutMs: options.timeoutMs };
  const take = (entity: EntityName, row: Row) => {
    const id = String(row["Id"] ?? "");
    if (id === "") return;
    if (row["status"] === "Deleted") {
      deleted.set(`${entity}\0${id}`, {
        entityName: entity,
        id,
        deletedAt: (row["MetaData"] as Row | undefined)?.["LastUpdatedTime"] as string | undefined,
      });
      changed.get(entity as K)?.delete(id);
      return;
    }
    if (deleted.has(`${entity}\0${id}`)) return; // ids are never reused: a deletion is final
    const table = changed.get(entity as K);
    const seen = table?.get(id);
    if (table && (!seen || newer(row, seen))) table.set(id, row);
  };

  const fetch = async (list: readonly EntityName[], start: number): Promise<Answer> => {
    requests++;
    const res = await plane
      .send<Row>({
        method: "GET",
        path: "cdc",
        query: { entities: list.join(","), changedSince: iso(start) },
        ...(call.signal ? { signal: call.signal } : {}),
        ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}),
      })
      .catch((error: unknown) => {
        // The same typed error as the local check, so one catch reloads either way.
        if (isCdcLookbackFault(error))
          throw new CdcLookbackError(start, earliestIn(error) ?? plane.now() - CDC_LOOKBACK_MS, error);
        throw error;
      });
    const body = asObject(res.body);
    const cdc = body?.["CDCResponse"];
    if (!Array.isArray(cdc)) throw unexpectedAnswer(res, "CDCResponse");
    const rows: Answer["rows"] = [];
    for (const block of cdc) {
      const responses = asObject(block)?.["QueryResponse"];
      for (const qr of Array.isArray(responses) ? responses : [responses]) {
        const record = asObject(qr);
        if (!record) continue;
        for (const [key, value] of Object.entries(record)) {
          const entity = list.find((n) => n.toLowerCase() === key.toLowerCase());
          if (!entity || !Array.isArray(value)) continue;
          for (const row of value) {
            const r = asObject(row);
            if (r) rows.push({ entity, row: r });
          }
        }
      }
    }
    const answered = typeof body?.["time"] === "string" ? (body["time"] as string) : undefined;
    time ??= answered;
    return { rows, count: rows.length, time: answered };
  };

  const queryWindow = async (entity: EntityName, lo: number, hi: number) => {
    const active = isNameList(entity) ? " and Active in (true, false)" : "";
    const sql = `select * from ${entity} where MetaData.LastUpdatedTime >= '${iso(lo)}' and MetaData.LastUpdatedTime < '${iso(hi)}'${active}`;
    for await (const page of queryAll<Row>(plane, sql, call.signal ? { signal: call.signal } : {}).pages()) {
      requests++;
      for (const row of page) take(entity, row);
    }
    gaps.push({ entityName: entity, from: iso(lo), to: iso(hi) });
  };

  const collect = async (list: readonly EntityName[], start: number, end?: number): Promise<void> => {
    const answer = await fetch(list, start);
    for (const { entity, row } of answer.rows) take(entity, row);
    if (answer.count < max) return; // under the cap: complete from `start` on
    if (list.length > 1) {
      const half = Math.ceil(list.length / 2);
      await collect(list.slice(0, half), start);
      await collect(list.slice(half), start);
      return;
    }
    const [entity] = list as [EntityName];
    const hi = end ?? Math.max(start + SECOND, Date.parse(answer.time ?? "") || plane.now());
    const mid = Math.floor((start + (hi - start) / 2) / SECOND) * SECOND;
    if (mid <= start) {
      // Over the cap within one second: only a query can list the changes.
      await queryWindow(entity, start, hi + SECOND);
      return;
    }
    await collect([entity], mid, hi);
    await queryWindow(entity, start, mid);
  };

  await collect(names, from);

  const result: CdcResult<K> = {
    changed: Object.fromEntries(
      names.map((n) => [n, [...(changed.get(n)?.values() ?? [])].sort(byUpdate)]),
    ) as CdcResult<K>["changed"],
    deleted: [...deleted.values()],
    time,
    deletionGaps: mergeGaps(gaps),
    requests,
  };
  if (result.deletionGaps.length > 0 && !options.allowDeletionGaps)
    throw new CdcIncompleteError(result as AnyCdcResult);
  return result;
}

function byUpdate(a: Row, b: Row): number {
  const t = (r: Row) =>
    Date.parse(String((r["MetaData"] as Row | undefined)?.["LastUpdatedTime"] ?? "")) || 0;
  return t(a) - t(b);
}

/** Adjacent windows of one entity become one. */
function mergeGaps(gaps: CdcGap[]): CdcGap[] {
  const out: CdcGap[] = [];
  for (const g of [...gaps].sort(
    (a, b) => a.entityName.localeCompare(b.entityName) || a.from.localeCompare(b.from),
  )) {
    const last = out[out.length - 1];
    if (last && last.entityName === g.entityName && last.to >= g.from) {
      if (g.to > last.to) last.to = g.to;
    } else out.push({ ...g });
  }
  return out;
}
