// Creates, updates (sparse or full, SyncToken-checked) and deletes of QuickBooks entities, shared by
// the single-entity routes and batch. Each returns the document to answer or the Fault to refuse
// with; it never encodes a reply or looks at auth and limits.
import type { EmulatorContext } from "./context.js";
import {
  duplicateName,
  missing,
  objectNotFound,
  staleObject,
  unsupported,
  type FaultError,
} from "./qbo-fault.js";
import { entityTime } from "./intuit-time.js";
import { followBalances } from "./qbo-balances.js";
import { transactionFields } from "./qbo-compute.js";
import { multicurrency, nameListFields } from "./qbo-names.js";
import { NAME_FIELDS, type EntitySpec } from "./qbo-schema.js";
import {
  findEntity,
  insertEntity,
  listEntities,
  removeEntity,
  replaceEntity,
  type Entity,
} from "./qbo-store.js";

/** The answer document of a write, or why it was refused. */
export type WriteOutcome = { doc: Entity } | { fault: FaultError };

/** What a write asks for: `operation=delete`, else an update when the body has an Id, else a create. */
export type WriteOperation = "create" | "update" | "delete" | "void";

// Fields the server owns: a body never sets them.
const SYSTEM = new Set(["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]);
// Fields an update keeps from the stored entity whatever the body says.
const OWNED: Record<string, string[]> = {
  Customer: ["Balance", "BalanceWithJobs"],
  Vendor: ["Balance"],
  Account: ["CurrentBalance", "CurrentBalanceWithSubAccounts"],
};
// Customers, vendors and employees share one name space (production's 6240).
const PEOPLE = ["Customer", "Vendor", "Employee"];

function writable(body: Entity): Entity {
  const out: Entity = {};
  for (const [k, v] of Object.entries(body)) if (!SYSTEM.has(k)) out[k] = v;
  return out;
}

/** Runs one write. */
export function writeEntity(
  ctx: EmulatorContext,
  realmId: string,
  spec: EntitySpec,
  operation: WriteOperation,
  body: Entity,
): WriteOutcome {
  if (operation === "delete") return deleteEntity(ctx, realmId, spec, body);
  if (operation === "void") return voidEntity(ctx, realmId, spec, body);
  if (operation === "update") return updateEntity(ctx, realmId, spec, body);
  return createEntity(ctx, realmId, spec, body);
}

/**
 * The operation a body, `?operation=` and `?include=` ask for, or the Fault refusing it: an unknown
 * operation or `include`, a void of an entity production cannot void, or a write the entity refuses.
 * Nothing is ever run as another operation (Payment's `operation=update&include=void` is a void).
 */
export function operationOf(
  query: string | null | undefined,
  body: Entity,
  spec?: EntitySpec,
  include?: string | null,
): WriteOperation | FaultError {
  const op = query === null || query === undefined || query === "" ? undefined : query.toLowerCase();
  const inc = include === null || include === undefined ? undefined : include.toLowerCase();
  const entity = spec?.name ?? "this entity";
  if (op !== undefined && !["create", "update", "delete", "void"].includes(op))
    return unsupported(`Operation ${query} is not supported.`);
  if (inc !== undefined && !(inc === "void" && op === "update"))
    return unsupported(`include=${include} is not supported with operation=${query ?? ""}.`);
  let chosen: WriteOperation;
  if (inc === "void" || op === "void") {
    const form = inc === "void" ? "include" : "operation";
    if (spec?.void !== form)
      return unsupported(
        form === "include"
          ? `Operation update&include=void is not supported for ${entity}.`
          : `Operation Void is not supported for ${entity}.`,
      );
    chosen = "void";
  } else
    chosen =
      (op as WriteOperation | undefined) ??
      (body["Id"] === undefined && spec?.kind !== "rate" ? "create" : "update");
  if (chosen !== "void" && spec?.refuses?.includes(chosen))
    return unsupported(
      `Operation ${chosen[0]?.toUpperCase()}${chosen.slice(1)} is not supported for ${entity}.`,
    );
  return chosen;
}

function withDisplayName(spec: EntitySpec, body: Entity): Entity {
  if (
    !PEOPLE.includes(spec.name) ||
    (typeof body["DisplayName"] === "string" && body["DisplayName"].trim() !== "")
  )
    return body;
  const name = NAME_FIELDS.map((f) => body[f])
    .filter((v) => typeof v === "string" && v.trim() !== "")
    .join(" ");
  return name === "" ? body : { ...body, DisplayName: name };
}

function nameTaken(
  ctx: EmulatorContext,
  realmId: string,
  spec: EntitySpec,
  body: Entity,
): FaultError | undefined {
  if (!PEOPLE.includes(spec.name) || body["Active"] === false) return undefined;
  const name = String(body["DisplayName"] ?? "")
    .trim()
    .toLowerCase();
  if (name === "") return undefined;
  for (const entity of PEOPLE)
    for (const other of listEntities(ctx, realmId, entity)) {
      if (entity === spec.name && other["Id"] === body["Id"]) continue;
      if (other["Active"] === false) continue;
      if (
        String(other["DisplayName"] ?? "")
          .trim()
          .toLowerCase() === name
      )
        return duplicateName(String(body["DisplayName"]));
    }
  return undefined;
}

function createEntity(ctx: EmulatorContext, realmId: string, spec: EntitySpec, body: Entity): WriteOutcome {
  if (spec.kind === "singleton" || spec.kind === "rate")
    return { fault: unsupported(`Operation Create is not supported for ${spec.name}.`) };
  if (spec.needs === "multicurrency" && !multicurrency(ctx, realmId)) return { fault: multicurrencyOff() };
  const problem = spec.required(body);
  if (problem) return { fault: problem };
  const named = withDisplayName(spec, writable(body));
  const taken = nameTaken(ctx, realmId, spec, named);
  if (taken) return { fault: taken };
  // Name-list entities are active unless created otherwise, as in production.
  const fields = spec.kind === "name" && named["Active"] === undefined ? { ...named, Active: true } : named;
  const doc = insertEntity(ctx, realmId, spec.name, computed(ctx, realmId, spec, fields));
  followBalances(ctx, realmId, spec.name, undefined, doc);
  return { doc };
}

/** What production fills in and computes on a saved entity (qbo-names.ts, qbo-compute.ts). */
function computed(
  ctx: EmulatorContext,
  realmId: string,
  spec: EntitySpec,
  fields: Entity,
  previous?: Entity,
): Entity {
  if (spec.kind === "name") return nameListFields(ctx, realmId, spec.name, fields, previous === undefined);
  if (spec.kind === "transaction") return transactionFields(ctx, realmId, spec.name, fields, previous);
  return fields;
}

/** The stored entity an update or delete names, or the Fault for a missing Id, unknown Id or stale SyncToken. */
function current(ctx: EmulatorContext, realmId: string, spec: EntitySpec, body: Entity): Entity | FaultError {
  const id = body["Id"];
  if (typeof id !== "string" || id === "") return missing("Id");
  const found = findEntity(ctx, realmId, spec.name, id);
  if (!found) return objectNotFound(spec.name, id);
  const token = body["SyncToken"];
  if (token === undefined || token === null || token === "") return missing("SyncToken");
  if (String(token) !== found["SyncToken"]) return staleObject();
  return found;
}

const isFault = (v: Entity | FaultError): v is FaultError =>
  typeof v["code"] === "string" && typeof v["Message"] === "string" && typeof v["Detail"] === "string";

function updateEntity(ctx: EmulatorContext, realmId: string, spec: EntitySpec, body: Entity): WriteOutcome {
  const found = current(ctx, realmId, spec, body);
  if (isFault(found)) return { fault: found };
  const sparse = body["sparse"] === true || body["sparse"] === "true";
  // A full update replaces every writable field: what the body leaves out is cleared.
  const fields = sparse ? { ...writable(found), ...writable(body) } : writable(body);
  // Balances are the server's: an update never sets them (transactions move them).
  for (const owned of OWNED[spec.name] ?? []) if (found[owned] !== undefined) fields[owned] = found[owned];
  const merged = withDisplayName(spec, fields);
  if (spec.kind !== "singleton") {
    const problem = spec.required(merged);
    if (problem) return { fault: problem };
  }
  const taken = nameTaken(ctx, realmId, spec, { ...merged, Id: found["Id"] });
  if (taken) return { fault: taken };
  const meta = (found["MetaData"] ?? {}) as Record<string, unknown>;
  const updated: Entity = {
    ...(spec.kind === "singleton" ? merged : computed(ctx, realmId, spec, merged, found)),
    Id: found["Id"],
    SyncToken: String(Number(found["SyncToken"] ?? "0") + 1),
    domain: "QBO",
    sparse: false,
    MetaData: { ...meta, LastUpdatedTime: entityTime(ctx.clock.now()) },
  };
  replaceEntity(ctx, realmId, spec.name, updated);
  followBalances(ctx, realmId, spec.name, found, updated);
  return { doc: updated };
}

function deleteEntity(ctx: EmulatorContext, realmId: string, spec: EntitySpec, body: Entity): WriteOutcome {
  if (spec.kind === "name" || spec.kind === "singleton")
    return {
      fault: unsupported(
        `Operation Delete is not supported for ${spec.name}: make a ${spec.name} inactive with an update setting Active to false.`,
      ),
    };
  const found = current(ctx, realmId, spec, body);
  if (isFault(found)) return { fault: found };
  removeEntity(ctx, realmId, spec.name, String(found["Id"]));
  followBalances(ctx, realmId, spec.name, found, undefined);
  return { doc: { status: "Deleted", domain: "QBO", Id: found["Id"] } };
}

/**
 * A void, as production answers it: the document stays, its amounts are zeroed, `PrivateNote` says
 * "Voided", and the balances it moved are restored. Needs `Id` and the current `SyncToken`.
 */
function voidEntity(ctx: EmulatorContext, realmId: string, spec: EntitySpec, body: Entity): WriteOutcome {
  const found = current(ctx, realmId, spec, body);
  if (isFault(found)) return { fault: found };
  const zero = (line: unknown) =>
    line && typeof line === "object" ? { ...(line as Entity), Amount: 0 } : line;
  const meta = (found["MetaData"] ?? {}) as Record<string, unknown>;
  const voided: Entity = {
    ...found,
    Line: Array.isArray(found["Line"]) ? found["Line"].map(zero) : found["Line"],
    TotalAmt: 0,
    ...(found["Balance"] !== undefined ? { Balance: 0 } : {}),
    ...(found["UnappliedAmt"] !== undefined ? { UnappliedAmt: 0 } : {}),
    ...(found["HomeTotalAmt"] !== undefined ? { HomeTotalAmt: 0 } : {}),
    ...(found["TxnTaxDetail"] !== undefined
      ? { TxnTaxDetail: { ...(found["TxnTaxDetail"] as Entity), TotalTax: 0 } }
      : {}),
    PrivateNote: "Voided",
    SyncToken: String(Number(found["SyncToken"] ?? "0") + 1),
    MetaData: { ...meta, LastUpdatedTime: entityTime(ctx.clock.now()) },
  };
  replaceEntity(ctx, realmId, spec.name, voided);
  followBalances(ctx, realmId, spec.name, found, voided);
  return { doc: voided };
}

/** Production's business-validation fault for a currency list without multicurrency (text U). */
function multicurrencyOff(): FaultError {
  return {
    Message: "A business validation error has occurred while processing your request",
    Detail: "Business Validation Error: Multicurrency is not enabled for this company.",
    code: "6000",
  };
}
