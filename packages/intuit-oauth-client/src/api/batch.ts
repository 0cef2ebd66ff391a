// `qb.batch(items)`: many creates, updates, deletes and queries in `POST batch` requests of at most
// 30 items (configurable: Intuit's pages say 30 and 10), each request with its own requestid (so a
// chunk is retried safely) under the realm's batch limit (40 a minute). Results come back in input
// order, each the entity, the query answer, or its own typed error. bIds are the helper's (short
// indexes, within the 10-character rule for batches with a requestid); yours come back as `bId`.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { quickBooksErrorFor } from "./conflict.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import {
  isEntityName,
  writeRefusal,
  type CreatableEntityName,
  type CreateBody,
  type DeletableEntityName,
  type EntityKey,
  type EntityName,
  type EntityOf,
  type EntityUpdate,
  type UpdatableEntityName,
} from "./entities/index.js";
import { faultFromJson, type QuickBooksError } from "./fault.js";
import { checkRequestId, MAX_BATCH_REQUEST_ID_LENGTH } from "./request-id.js";

/** Most items Intuit takes in one batch request (its limits page; its batch page says 10). */
export const MAX_BATCH_SIZE = 30;

/** One operation of a batch. `bId` is yours, returned with its result. */
export type BatchItem =
  | {
      [K in CreatableEntityName]: { operation: "create"; entity: K; body: CreateBody<K>; bId?: string };
    }[CreatableEntityName]
  | {
      [K in UpdatableEntityName]: {
        operation: "update";
        entity: K;
        body: EntityUpdate<K>;
        sparse?: boolean;
        bId?: string;
      };
    }[UpdatableEntityName]
  | { operation: "delete"; entity: DeletableEntityName; body: EntityKey; bId?: string }
  | { query: string; bId?: string };

/** The result of one item, in input order. */
export type BatchResult =
  | { ok: true; index: number; bId: string | undefined; entity: EntityName; value: EntityOf<EntityName> }
  | { ok: true; index: number; bId: string | undefined; query: Record<string, unknown> }
  | { ok: false; index: number; bId: string | undefined; error: QuickBooksError };

/** Options of `qb.batch`. */
export interface BatchOptions extends DataPlaneCallOptions {
  /** Items per request, 1 to 30. Default: the helper's `batchSize` (30). */
  batchSize?: number;
  /**
   * The requestid of the batch request (at most 36 characters). Only when the items fit in one
   * request; by default each request gets a new UUID.
   */
  requestId?: string;
}

interface WireItem {
  bId: string;
  operation?: string;
  Query?: string;
  [entity: string]: unknown;
}

function wireItem(item: BatchItem, bId: string): WireItem {
  if (!item || typeof item !== "object") throw new ConfigurationError("each batch item must be an object");
  if ("query" in item) {
    if (typeof item.query !== "string" || item.query.trim() === "")
      throw new ConfigurationError("a batch query must be a non-empty string");
    return { bId, Query: item.query };
  }
  const { operation, entity } = item;
  if (!isEntityName(entity)) throw new ConfigurationError(`unknown entity ${JSON.stringify(entity)}`);
  if (!asObject(item.body)) throw new ConfigurationError("a batch item's body must be an object");
  const body = item.body as Record<string, unknown>;
  const refusal =
    operation === "create" || operation === "update" || operation === "delete"
      ? writeRefusal(entity, operation)
      : undefined;
  if (refusal) throw new ConfigurationError(refusal);
  if (operation === "create") {
    return { bId, operation, [entity]: body };
  }
  if (operation === "update") {
    if (entity === "ExchangeRate") return { bId, operation, [entity]: { ...body, sparse: false } };
    if (typeof body["Id"] !== "string" || typeof body["SyncToken"] !== "string")
      throw new ConfigurationError("a batch update needs Id and SyncToken");
    const sparse = "sparse" in item ? item.sparse !== false : true;
    return { bId, operation, [entity]: { ...body, sparse } };
  }
  if (operation === "delete") {
    if (typeof body["Id"] !== "string" || typeof body["SyncToken"] !== "string")
      throw new ConfigurationError("a batch delete needs Id and SyncToken");
    return { bId, operation, [entity]: { Id: body["Id"], SyncToken: body["SyncToken"] } };
  }
  throw new ConfigurationError(`unknown batch operation ${JSON.stringify(operation)}`);
}

/**
 * Runs the items in batch requests of at most `batchSize`, one request after another, and returns one
 * result per item in input order. A Fault of the whole request (a 400, a 429 after its retries) throws.
 *
 * @example
 * const results = await qb.batch([
 *   { operation: "create", entity: "Customer", body: { DisplayName: "Ada" } },
 *   { query: "select * from Invoice where TotalAmt > '100'" },
 * ]);
 * for (const r of results) if (!r.ok) console.log(r.index, r.error.errors[0]?.code);
 */
export async function runBatch(
  plane: DataPlane,
  items: readonly BatchItem[],
  options: BatchOptions = {},
): Promise<BatchResult[]> {
  if (!Array.isArray(items)) throw new ConfigurationError("batch needs an array of items");
  const size = positiveInt("batchSize", options.batchSize, plane.batchSize, MAX_BATCH_SIZE);
  const chunks: Array<Array<{ item: BatchItem; index: number; wire: WireItem }>> = [];
  items.forEach((item, index) => {
    if (index % size === 0) chunks.push([]);
    const chunk = chunks[chunks.length - 1] as Array<{ item: BatchItem; index: number; wire: WireItem }>;
    chunk.push({ item, index, wire: wireItem(item, String(chunk.length + 1)) });
  });
  if (options.requestId !== undefined) {
    checkRequestId(options.requestId, MAX_BATCH_REQUEST_ID_LENGTH);
    if (chunks.length > 1)
      throw new ConfigurationError(
        "requestId names one batch request, but the items need several: leave it out",
      );
  }
  const results: BatchResult[] = [];
  for (const chunk of chunks) {
    // The request path's limits count a batch against the realm's batch budget (40 a minute).
    const res = await plane.send<Record<string, unknown>>({
      method: "POST",
      path: "batch",
      body: { BatchItemRequest: chunk.map((c) => c.wire) },
      ...(options.requestId !== undefined ? { requestId: options.requestId } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    const answers = asObject(res.body)?.["BatchItemResponse"];
    if (!Array.isArray(answers)) throw unexpectedAnswer(res, "BatchItemResponse");
    const byBid = new Map<string, Record<string, unknown>>();
    for (const a of answers) {
      const record = asObject(a);
      if (record && typeof record["bId"] === "string") byBid.set(record["bId"], record);
    }
    for (const { item, index, wire } of chunk) {
      const bId = item.bId;
      const answer = byBid.get(wire.bId);
      const fault = answer ? faultFromJson({ Fault: answer["Fault"] }) : undefined;
      if (!answer || fault) {
        const content = JSON.stringify(answer ?? { missing: wire.bId });
        results.push({
          ok: false,
          index,
          bId,
          error: quickBooksErrorFor({
            statusCode: res.status,
            content: answer ? content : `no answer for batch item ${wire.bId}`,
            headers: res.headers,
            intuitTid: res.intuitTid,
            fault,
          }),
        });
        continue;
      }
      if ("query" in item) {
        results.push({ ok: true, index, bId, query: asObject(answer["QueryResponse"]) ?? {} });
        continue;
      }
      const value = asObject(answer[item.entity]);
      results.push(
        value
          ? { ok: true, index, bId, entity: item.entity, value: value as EntityOf<EntityName> }
          : { ok: false, index, bId, error: unexpectedAnswer({ ...res, body: answer }, item.entity) },
      );
    }
  }
  return results;
}
