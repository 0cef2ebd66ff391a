// Change data capture, `GET cdc?entities=A,B&changedSince=<time>`: every entity of the listed types
// changed at or after the time (its latest state), grouped by type in the order asked, oldest change
// first, deleted ones (`status: "Deleted"`) after the active ones, and at most `cdcMaxObjects` objects
// in all (Intuit's 1,000). Builds the document or the Fault; never encodes or checks auth.
import type { EmulatorContext } from "./context.js";
import { entityTime } from "./intuit-time.js";
import { missing, type FaultError } from "./qbo-fault.js";
import { entitySpec } from "./qbo-schema.js";
import { listEntities, realmStore, type Entity } from "./qbo-store.js";

const LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;
// Intuit's reference: CDC serves every entity but JournalCode, TimeActivity, TaxAgency, TaxCode and TaxRate;
// ExchangeRate has no Id to report a change by, so it is refused too. Whether Budget is served is
// uncertain (U): it is served, as the library assumes (the drift test keeps the two in step).
const NOT_IN_CDC = new Set([
  "TimeActivity",
  "JournalCode",
  "TaxAgency",
  "TaxCode",
  "TaxRate",
  "ExchangeRate",
]);

/** Whether CDC serves an entity named in any case: a served type, not a singleton, not left out. */
export function cdcServes(name: string): boolean {
  const spec = entitySpec(name);
  return spec !== undefined && spec.kind !== "singleton" && !NOT_IN_CDC.has(spec.name);
}

function updatedAt(entity: Entity): number {
  const meta = entity["MetaData"] as Record<string, unknown> | undefined;
  const t = Date.parse(String(meta?.["LastUpdatedTime"] ?? ""));
  return Number.isNaN(t) ? 0 : t;
}

const invalid = (detail: string, element: string): FaultError => ({
  Message: "Invalid argument",
  Detail: detail,
  code: "4001",
  element,
});

/** The `CDCResponse` document for a request, or the Fault that refuses it. */
export function changeDataCapture(
  ctx: EmulatorContext,
  realmId: string,
  params: URLSearchParams,
): Record<string, unknown> | FaultError {
  const list = params.get("entities");
  const since = params.get("changedSince");
  if (!list) return missing("entities");
  if (!since) return missing("changedSince");
  const names: string[] = [];
  for (const part of list.split(",")) {
    const spec = entitySpec(part.trim());
    if (!spec || !cdcServes(spec.name))
      return invalid(`CDC is not supported for entity ${part.trim()}.`, "entities");
    if (!names.includes(spec.name)) names.push(spec.name);
  }
  let from = Date.parse(since);
  if (Number.isNaN(from)) return invalid(`changedSince ${since} is not a date-time.`, "changedSince");
  const now = ctx.clock.now();
  // Whole seconds: entity times carry no milliseconds.
  const oldest = Math.floor((now - LOOKBACK_MS) / 1000) * 1000;
  if (from < oldest) {
    if (ctx.settings.cdcLookbackOverLimit === "error")
      return invalid(
        `changedSince ${since} is more than 30 days ago; the earliest allowed is ${entityTime(oldest)}.`,
        "changedSince",
      );
    from = oldest;
  }
  const store = realmStore(ctx, realmId);
  let budget = ctx.settings.cdcMaxObjects;
  const responses = names.map((name) => {
    const changed = listEntities(ctx, realmId, name)
      .filter((e) => updatedAt(e) >= from)
      .map((e, i) => ({ e, i }))
      .sort((a, b) => updatedAt(a.e) - updatedAt(b.e) || a.i - b.i)
      .map(({ e }) => e);
    const deleted = store.deleted
      .filter((d) => d.entity === name && Math.floor(d.at / 1000) * 1000 >= from)
      .sort((a, b) => a.at - b.at)
      .map((d) => ({
        status: "Deleted",
        domain: "QBO",
        Id: d.id,
        MetaData: { LastUpdatedTime: entityTime(d.at) },
      }));
    const all = [...changed, ...deleted].slice(0, Math.max(0, budget));
    budget -= all.length;
    return all.length > 0
      ? { [name]: all, startPosition: 1, maxResults: all.length }
      : { startPosition: 1, maxResults: 0 };
  });
  return { CDCResponse: [{ QueryResponse: responses }] };
}
