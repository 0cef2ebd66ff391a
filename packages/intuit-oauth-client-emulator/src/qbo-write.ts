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
export type WriteOperation = "create" | "update" | "delete";

// Fields the server owns: a body never sets them.
const SYSTEM = new Set(["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]);
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
  if (operation === "update") return updateEntity(ctx, realmId, spec, body);
  return createEntity(ctx, realmId, spec, body);
}

/** The operation a body and `?operation=` ask for, or a Fault for an operation not offered. */
export function operationOf(query: string | null | undefined, body: Entity): WriteOperation | FaultError {
  if (query === null || query === undefined || query === "")
    return body["Id"] === undefined ? "create" : "update";
  const op = query.toLowerCase();
  if (op === "delete" || op === "update" || op === "create") return op;
  return unsupported(`Operation ${query} is not supported.`);
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
  if (spec.kind === "singleton")
    return { fault: unsupported(`Operation Create is not supported for ${spec.name}.`) };
  const problem = spec.required(body);
  if (problem) return { fault: problem };
  const named = withDisplayName(spec, writable(body));
  const taken = nameTaken(ctx, realmId, spec, named);
  if (taken) return { fault: taken };
  // Name-list entities are active unless created otherwise, as in production.
  const fields = spec.kind === "name" && named["Active"] === undefined ? { ...named, Active: true } : named;
  return { doc: insertEntity(ctx, realmId, spec.name, fields) };
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
  const merged = withDisplayName(spec, fields);
  if (spec.kind !== "singleton") {
    const problem = spec.required(merged);
    if (problem) return { fault: problem };
  }
  const taken = nameTaken(ctx, realmId, spec, { ...merged, Id: found["Id"] });
  if (taken) return { fault: taken };
  const meta = (found["MetaData"] ?? {}) as Record<string, unknown>;
  const updated: Entity = {
    ...merged,
    Id: found["Id"],
    SyncToken: String(Number(found["SyncToken"] ?? "0") + 1),
    domain: "QBO",
    sparse: false,
    MetaData: { ...meta, LastUpdatedTime: entityTime(ctx.clock.now()) },
  };
  replaceEntity(ctx, realmId, spec.name, updated);
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
  return { doc: { status: "Deleted", domain: "QBO", Id: found["Id"] } };
}
