// `POST batch`: `{ BatchItemRequest: [{ bId, Query } | { bId, operation, <Entity>: body }] }` answered
// item by item in `BatchItemResponse`, each with its entity, QueryResponse or its own Fault. Limits on
// the whole request (items, bId length with a requestid) are checked first. The per-minute batch
// limits are the caller's (quickbooks.ts). Never encodes a reply.
import type { EmulatorContext } from "./context.js";
import { faultDocument, unsupported, type FaultError } from "./qbo-fault.js";
import { isFault, queryResponse } from "./qbo-read.js";
import { entitySpec } from "./qbo-schema.js";
import { operationOf, writeEntity } from "./qbo-write.js";

/** Longest `bId` accepted when the batch carries a `requestid` (platform reference §14.3). */
const MAX_BID_WITH_REQUEST_ID = 10;

/** The `BatchItemResponse` list, or the Fault refusing the whole batch. */
export function batchItems(
  ctx: EmulatorContext,
  realmId: string,
  body: Record<string, unknown> | undefined,
  requestId: string | null,
): Array<Record<string, unknown>> | FaultError | undefined {
  const items = body?.["BatchItemRequest"];
  if (!body || !Array.isArray(items)) return undefined;
  if (items.length > ctx.settings.batchMaxItems)
    return {
      Message: "Request has invalid or unsupported property",
      Detail: `Number of items in the batch request (${items.length}) exceeds the limit of ${ctx.settings.batchMaxItems}.`,
      code: "2050",
      element: "BatchItemRequest",
    };
  if (requestId !== null) {
    const long = items.find(
      (i: unknown) =>
        String((i as Record<string, unknown> | null)?.["bId"] ?? "").length > MAX_BID_WITH_REQUEST_ID,
    ) as Record<string, unknown> | undefined;
    if (long)
      return {
        Message: "Request has invalid or unsupported property",
        Detail: `bId ${String(long["bId"])} is longer than ${MAX_BID_WITH_REQUEST_ID} characters, the limit when the batch carries a requestid.`,
        code: "2050",
        element: "bId",
      };
  }
  const now = ctx.clock.now();
  return items.map((value: unknown) => {
    const item = value && typeof value === "object" ? (value as Record<string, unknown>) : {};
    const bId = typeof item["bId"] === "string" ? item["bId"] : "";
    const fault = (error: FaultError) => ({
      bId,
      Fault: faultDocument("ValidationFault", [error], now)["Fault"],
    });
    if (typeof item["Query"] === "string") {
      const answer = queryResponse(ctx, realmId, item["Query"]);
      return isFault(answer) ? fault(answer) : { bId, QueryResponse: answer };
    }
    const key = Object.keys(item).find(
      (k) => entitySpec(k) !== undefined && item[k] && typeof item[k] === "object",
    );
    const spec = key === undefined ? undefined : entitySpec(key);
    if (!spec || key === undefined)
      return fault(unsupported("Unsupported batch item: it needs a Query or an entity with an operation."));
    const entityBody = item[key] as Record<string, unknown>;
    const operation = operationOf(
      typeof item["operation"] === "string" ? item["operation"] : undefined,
      entityBody,
      spec,
    );
    if (typeof operation !== "string") return fault(operation);
    if (spec.kind === "rate") return fault(unsupported(`Batch does not write ${spec.name}.`));
    const outcome = writeEntity(ctx, realmId, spec, operation, entityBody);
    return "fault" in outcome ? fault(outcome.fault) : { bId, [spec.name]: outcome.doc };
  });
}
