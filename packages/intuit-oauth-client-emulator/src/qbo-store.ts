// The QuickBooks data of each realm: entities by type and id (in creation order), the tombstones CDC
// reports deletions from, id counters, and the bytes of uploaded attachments. Seeds a realm on first
// use (five customers, CompanyInfo, Preferences); qbo-realm.ts holds the data's shape and its saved form. It never decides
// what a request may do: the handlers check first, then call it.
import type { EmulatorContext } from "./context.js";
import { SEEDED_CUSTOMERS } from "./defaults.js";
import { entityTime } from "./intuit-time.js";
import { companyInfo, preferences } from "./qbo-entities.js";
import { entitySpec } from "./qbo-schema.js";

export type { Entity, RealmStore, StoredFile, Tombstone } from "./qbo-realm.js";
import type { Entity, RealmStore } from "./qbo-realm.js";

/** The realm's store, seeded on first use. */
export function realmStore(ctx: EmulatorContext, realmId: string): RealmStore {
  let store = ctx.state.qbo.get(realmId);
  if (!store) {
    store = { entities: new Map(), deleted: [], counters: new Map(), files: new Map() };
    ctx.state.qbo.set(realmId, store);
    seed(ctx, store, realmId);
  }
  return store;
}

function seed(ctx: EmulatorContext, store: RealmStore, realmId: string): void {
  const at = entityTime(ctx.startedAt);
  const customers = table(store, "Customer");
  for (const c of SEEDED_CUSTOMERS)
    customers.set(String(c["Id"]), { ...c, MetaData: { CreateTime: at, LastUpdatedTime: at } });
  const company = ctx.settings.companies.find((c) => c.realmId === realmId);
  table(store, "CompanyInfo").set("1", companyInfo(company, realmId, ctx.startedAt));
  table(store, "Preferences").set("1", preferences(ctx.startedAt));
  // Entities of a state file written before the data plane keep their ids.
  for (const [entity, row] of ctx.state.legacy.get(realmId) ?? []) {
    const id = String(row["Id"]);
    table(store, entity).set(id, row);
    const n = Number(id) - (entitySpec(entity)?.idBase ?? 0);
    if (Number.isInteger(n) && n > (store.counters.get(entity) ?? 0)) store.counters.set(entity, n);
  }
  ctx.state.legacy.delete(realmId);
}

function table(store: RealmStore, entity: string): Map<string, Entity> {
  let t = store.entities.get(entity);
  if (!t) store.entities.set(entity, (t = new Map()));
  return t;
}

/** The realm's entities of one type, in creation order (live objects: copy before changing). */
export function listEntities(ctx: EmulatorContext, realmId: string, entity: string): Entity[] {
  return [...(realmStore(ctx, realmId).entities.get(entity)?.values() ?? [])];
}

/** One entity, or undefined. */
export function findEntity(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  id: string,
): Entity | undefined {
  return realmStore(ctx, realmId).entities.get(entity)?.get(id);
}

/** Stores a new entity with the next Id, `SyncToken` "0", `domain`, `sparse` and `MetaData`. */
export function insertEntity(ctx: EmulatorContext, realmId: string, entity: string, body: Entity): Entity {
  const store = realmStore(ctx, realmId);
  const next = (store.counters.get(entity) ?? 0) + 1;
  store.counters.set(entity, next);
  const id = String((entitySpec(entity)?.idBase ?? 0) + next);
  const at = entityTime(ctx.clock.now());
  const created: Entity = {
    ...body,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: { CreateTime: at, LastUpdatedTime: at },
  };
  table(store, entity).set(id, created);
  ctx.state.markChanged();
  return created;
}

/** Replaces a stored entity (same Id); the caller has set SyncToken and MetaData. */
export function replaceEntity(ctx: EmulatorContext, realmId: string, entity: string, record: Entity): void {
  table(realmStore(ctx, realmId), entity).set(String(record["Id"]), record);
  ctx.state.markChanged();
}

/** Removes an entity and leaves a tombstone for CDC. */
export function removeEntity(ctx: EmulatorContext, realmId: string, entity: string, id: string): void {
  const store = realmStore(ctx, realmId);
  store.entities.get(entity)?.delete(id);
  store.files.delete(entity === "Attachable" ? id : "");
  store.deleted.push({ entity, id, at: ctx.clock.now() });
  ctx.state.markChanged();
}

/** A deep copy of every entity of the realm, by type (the `entities()` test control). */
export function snapshot(ctx: EmulatorContext, realmId: string): Record<string, Entity[]> {
  const out: Record<string, Entity[]> = {};
  for (const [entity, rows] of realmStore(ctx, realmId).entities)
    if (rows.size > 0) out[entity] = [...rows.values()].map((r) => structuredClone(r));
  return out;
}
