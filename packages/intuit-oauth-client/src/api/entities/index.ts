// The map from entity names to their types, which the typed helpers (`qb.read`, `qb.create`,
// `qb.update`, `qb.delete`, `qb.cdc`, `qb.batch`) are keyed by, and the body types of writes. Types
// and one list of names; nothing else.
import type { Attachable, CompanyInfo, Preferences, TimeActivity } from "./company.js";
import type { Account, Customer, Employee, Item, Vendor } from "./names.js";
import type { Bill, BillPayment, Deposit, JournalEntry, Purchase } from "./purchases.js";
import type { CreditMemo, Estimate, Invoice, Payment, SalesReceipt } from "./sales.js";

export type * from "./common.js";
export type * from "./lines.js";
export type * from "./names.js";
export type * from "./sales.js";
export type * from "./purchases.js";
export type * from "./company.js";

/** Every entity type the typed helpers know, by its API name. */
export interface QuickBooksEntities {
  Customer: Customer;
  Vendor: Vendor;
  Employee: Employee;
  Item: Item;
  Account: Account;
  Invoice: Invoice;
  Bill: Bill;
  Payment: Payment;
  BillPayment: BillPayment;
  SalesReceipt: SalesReceipt;
  Estimate: Estimate;
  CreditMemo: CreditMemo;
  JournalEntry: JournalEntry;
  Purchase: Purchase;
  Deposit: Deposit;
  TimeActivity: TimeActivity;
  Attachable: Attachable;
  CompanyInfo: CompanyInfo;
  Preferences: Preferences;
}

/** An entity's API name, e.g. `"Invoice"`. */
export type EntityName = keyof QuickBooksEntities;

/** The type of an entity. */
export type EntityOf<K extends EntityName> = QuickBooksEntities[K];

/** Entities there is one of per company: read and (sparse) updated, never created or deleted. */
export type SingletonEntityName = "CompanyInfo" | "Preferences";

/** Name-list entities: made inactive (`Active: false`), never deleted. */
export type NameListEntityName = "Customer" | "Vendor" | "Employee" | "Item" | "Account";

/** Entities that can be deleted (`qb.delete`). */
export type DeletableEntityName = Exclude<EntityName, SingletonEntityName | NameListEntityName>;

/** Entities that can be created (`qb.create`). */
export type CreatableEntityName = Exclude<EntityName, SingletonEntityName>;

/** Fields the server owns. */
type ServerFields = "Id" | "SyncToken" | "MetaData" | "domain" | "sparse";

/** A create body: the entity without the fields the server sets. */
export type CreateBody<K extends EntityName> = Omit<EntityOf<K>, ServerFields>;

/** An update: `Id` and the `SyncToken` last read, with the fields to change (sparse by default). */
export type EntityUpdate<K extends EntityName> = { Id: string; SyncToken: string } & Partial<CreateBody<K>>;

/** What a delete names: the entity and the `SyncToken` last read. */
export interface EntityKey {
  Id: string;
  SyncToken: string;
}

/** Every entity name, in a stable order. */
export const ENTITY_NAMES: readonly EntityName[] = Object.freeze([
  "Customer",
  "Vendor",
  "Employee",
  "Item",
  "Account",
  "Invoice",
  "Bill",
  "Payment",
  "BillPayment",
  "SalesReceipt",
  "Estimate",
  "CreditMemo",
  "JournalEntry",
  "Purchase",
  "Deposit",
  "TimeActivity",
  "Attachable",
  "CompanyInfo",
  "Preferences",
]);

const NAME_LISTS: ReadonlySet<string> = new Set(["Customer", "Vendor", "Employee", "Item", "Account"]);
const SINGLETONS: ReadonlySet<string> = new Set(["CompanyInfo", "Preferences"]);

/** Whether `name` is one of {@link ENTITY_NAMES}. */
export function isEntityName(name: unknown): name is EntityName {
  return typeof name === "string" && (ENTITY_NAMES as readonly string[]).includes(name);
}

/** Whether an entity is a name list (deactivated rather than deleted; hidden from queries when inactive). */
export function isNameList(name: string): name is NameListEntityName {
  return NAME_LISTS.has(name);
}

/** Whether an entity is a per-company singleton. */
export function isSingleton(name: string): name is SingletonEntityName {
  return SINGLETONS.has(name);
}
