// Typed reads and writes of one entity: `read`, `create`, `update` (sparse by default, with the
// SyncToken last read; a stale one is a StaleObjectError) and `delete`. Each is one call through the
// request path, which adds the write's requestid. It never retries on its own or caches anything.
import { ConfigurationError } from "../common/errors.js";
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

/** Options of the typed writes. */
export interface EntityWriteOptions extends DataPlaneCallOptions {
  /** The write's idempotency key (at most 50 characters). Default: a new UUID; `false` sends none. */
  requestId?: string | false;
}

/** Options of `qb.update`. */
export interface EntityUpdateOptions extends EntityWriteOptions {
  /** Send only the given fields (`sparse: true`). `false` replaces the entity: fields left out are cleared. Default true. */
  sparse?: boolean;
}

/** What `qb.delete` returns: Intuit's confirmation. */
export interface DeletedEntity {
  Id: string;
  status: "Deleted";
  domain?: string;
}

function checkEntity(entity: unknown): EntityName {
  if (!isEntityName(entity)) throw new ConfigurationError(`unknown entity ${JSON.stringify(entity)}`);
  return entity;
}

function checkWrite(entity: EntityName, operation: "create" | "update" | "delete"): void {
  const refusal = writeRefusal(entity, operation);
  if (refusal) throw new ConfigurationError(refusal);
}

function checkId(id: unknown, what = "id"): string {
  if (typeof id !== "string" || id.trim() === "")
    throw new ConfigurationError(`${what} must be a non-empty string`);
  return id;
}

/** The entity's resource path: `customer`, `journalentry`, … */
export function entityPath(entity: EntityName): string {
  return entity.toLowerCase();
}

async function entityCall<K extends EntityName>(
  plane: DataPlane,
  entity: K,
  request: { method: "GET" | "POST"; path: string; body?: unknown; query?: Record<string, string> },
  options: EntityWriteOptions,
): Promise<EntityOf<K>> {
  const res = await plane.send<Record<string, unknown>>({
    ...request,
    ...(request.method === "POST" && options.requestId !== undefined ? { requestId: options.requestId } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const found = asObject(asObject(res.body)?.[entity]);
  if (!found) throw unexpectedAnswer(res, entity);
  return found as EntityOf<K>;
}

/**
 * Reads one entity. CompanyInfo needs no id (the realm's), nor does Preferences.
 *
 * @example
 * const customer = await qb.read("Customer", "1"); // Customer
 * const company = await qb.read("CompanyInfo");
 */
export async function readEntity<K extends EntityName>(
  plane: DataPlane,
  entity: K,
  id: string | undefined,
  options: DataPlaneCallOptions = {},
): Promise<EntityOf<K>> {
  checkEntity(entity);
  let path: string;
  if (entity === "Preferences") path = "preferences";
  // An exchange rate is read by its currency (today's rate; `qb.exchangeRate` takes a day too).
  else if (entity === "ExchangeRate")
    return entityCall(
      plane,
      entity,
      { method: "GET", path: "exchangerate", query: { sourcecurrencycode: checkId(id, "currency code") } },
      options,
    );
  else if (entity === "CompanyInfo") path = `companyinfo/${encodeURIComponent(id ?? plane.realmId)}`;
  else path = `${entityPath(entity)}/${encodeURIComponent(checkId(id))}`;
  return entityCall(plane, entity, { method: "GET", path }, options);
}

/**
 * Creates an entity and returns it as stored (Id, SyncToken, MetaData). The write carries a requestid,
 * so it is retried safely after a timeout, a 5xx or a 429: Intuit answers a repeat with the original.
 *
 * @example
 * const invoice = await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: [{ Amount: 100, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { ItemRef: { value: "1" } } }] });
 */
export async function createEntity<K extends CreatableEntityName>(
  plane: DataPlane,
  entity: K,
  body: CreateBody<K>,
  options: EntityWriteOptions = {},
): Promise<EntityOf<K>> {
  checkWrite(checkEntity(entity), "create");
  if (!asObject(body)) throw new ConfigurationError("the entity body must be an object");
  if ((body as { Id?: unknown }).Id !== undefined)
    throw new ConfigurationError("a create body has no Id; use update to change an existing entity");
  return entityCall(plane, entity, { method: "POST", path: entityPath(entity), body }, options);
}

/**
 * Updates an entity: by default a sparse update that changes only the fields given. `Id` and the
 * `SyncToken` last read are required; a stale SyncToken is a `StaleObjectError` (Intuit's 5010).
 *
 * @example
 * const c = await qb.read("Customer", "1");
 * const updated = await qb.update("Customer", { Id: c.Id!, SyncToken: c.SyncToken!, Notes: "VIP" });
 */
export async function updateEntity<K extends UpdatableEntityName>(
  plane: DataPlane,
  entity: K,
  changes: EntityUpdate<K>,
  options: EntityUpdateOptions = {},
): Promise<EntityOf<K>> {
  checkWrite(checkEntity(entity), "update");
  const body = asObject(changes);
  if (!body) throw new ConfigurationError("the update must be an object");
  if (entity === "ExchangeRate") {
    // No Id: the rate of a currency on a day, sent whole (Intuit's reference shows full updates only).
    checkId(body["SourceCurrencyCode"], "SourceCurrencyCode");
    checkId(body["AsOfDate"], "AsOfDate");
  } else checkId(body["Id"], "Id");
  if (typeof body["SyncToken"] !== "string" || body["SyncToken"] === "")
    throw new ConfigurationError("an update needs the SyncToken last read (a non-empty string)");
  const sparse = entity === "ExchangeRate" ? false : (options.sparse ?? true);
  return entityCall(
    plane,
    entity,
    { method: "POST", path: entityPath(entity), body: { ...body, sparse } },
    options,
  );
}

/**
 * Deletes a transaction or attachable (name-list entities are made inactive with an update instead).
 * A stale SyncToken is a `StaleObjectError`.
 *
 * @example
 * await qb.delete("Invoice", { Id: invoice.Id!, SyncToken: invoice.SyncToken! });
 */
export async function deleteEntity<K extends DeletableEntityName>(
  plane: DataPlane,
  entity: K,
  key: EntityKey,
  options: EntityWriteOptions = {},
): Promise<DeletedEntity> {
  checkWrite(checkEntity(entity), "delete");
  const id = checkId(key?.Id, "Id");
  if (typeof key.SyncToken !== "string" || key.SyncToken === "")
    throw new ConfigurationError("a delete needs the SyncToken last read (a non-empty string)");
  const answer = await entityCall(
    plane,
    entity,
    {
      method: "POST",
      path: entityPath(entity),
      query: { operation: "delete" },
      body: { Id: id, SyncToken: key.SyncToken },
    },
    options,
  );
  return answer as unknown as DeletedEntity;
}
