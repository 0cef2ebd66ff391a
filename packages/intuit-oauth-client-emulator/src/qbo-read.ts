// Reads: one entity by id, and the query language over a realm's entities (paging, WHERE, ORDERBY,
// COUNT). Name-list entities made inactive are left out unless the WHERE names `Active`, as in
// production. Builds documents or Faults; never encodes, checks auth or changes data.
import type { EmulatorContext } from "./context.js";
import type { FaultError } from "./qbo-fault.js";
import { checkQueryable, parseQuery, QueryError, runQuery } from "./qbo-query.js";
import { entitySpec } from "./qbo-schema.js";
import { listEntities, type Entity } from "./qbo-store.js";
import { present } from "./qbo-upload.js";

const MAX_RESULTS = 1000;

/** An entity as the API shows it (an Attachable gets a fresh TempDownloadUri). */
export function shown(ctx: EmulatorContext, realmId: string, entity: string, row: Entity): Entity {
  return entity === "Attachable" ? present(ctx, realmId, row) : row;
}

/** The QueryResponse of one query, or the FaultError that refuses it. */
export function queryResponse(
  ctx: EmulatorContext,
  realmId: string,
  text: string,
): Record<string, unknown> | FaultError {
  try {
    const q = parseQuery(text.trim());
    const spec = entitySpec(q.entity);
    if (!spec)
      throw new QueryError(
        "4000",
        "Error parsing query",
        `QueryParserError: Invalid context declaration : ${q.entity}`,
      );
    checkQueryable(q, spec.queryable);
    if (
      q.maxResults !== undefined &&
      q.maxResults > MAX_RESULTS &&
      ctx.settings.maxResultsOverLimit === "error"
    )
      throw new QueryError(
        "4001",
        "Invalid query",
        `QueryValidationError: value ${q.maxResults} for MAXRESULTS exceeds the maximum allowed value of ${MAX_RESULTS}`,
      );
    let rows = listEntities(ctx, realmId, spec.name);
    // Production hides inactive name-list entities unless the query asks about Active.
    if (spec.kind === "name" && !q.where.some((c) => c.field.toLowerCase() === "active"))
      rows = rows.filter((r) => r["Active"] !== false);
    const matched = runQuery(q, rows);
    if (q.count) return { totalCount: matched.length };
    const max = Math.min(MAX_RESULTS, q.maxResults ?? 100);
    const page = matched.slice(q.startPosition - 1, q.startPosition - 1 + max);
    return page.length > 0
      ? {
          [spec.name]: page.map((r) => shown(ctx, realmId, spec.name, r)),
          startPosition: q.startPosition,
          maxResults: page.length,
        }
      : {};
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    return { Message: err.faultMessage, Detail: err.message, code: err.code };
  }
}

/** Whether a document is a FaultError rather than an answer. */
export const isFault = (v: Record<string, unknown> | FaultError): v is FaultError =>
  typeof (v as FaultError).code === "string" &&
  typeof (v as FaultError).Message === "string" &&
  typeof (v as FaultError).Detail === "string";
