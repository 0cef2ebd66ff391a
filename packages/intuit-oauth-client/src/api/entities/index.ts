// The map from entity names to their types, which the typed helpers (`qb.read`, `qb.create`,
// `qb.update`, `qb.delete`, `qb.cdc`, `qb.batch`) are keyed by, and the body types of writes. Types
// and one list of names; nothing else.
import type { Attachable, CompanyInfo, Preferences, TimeActivity } from "./company.js";
import type {
  Budget,
  Class,
  CompanyCurrency,
  Department,
  ExchangeRate,
  JournalCode,
  PaymentMethod,
  TaxAgency,
  TaxCode,
  TaxRate,
  Term,
} from "./lists.js";
import type { Account, Customer, Employee, Item, Vendor } from "./names.js";
import type {
  Bill,
  BillPayment,
  Deposit,
  JournalEntry,
  Purchase,
  PurchaseOrder,
  Transfer,
  VendorCredit,
} from "./purchases.js";
import type { CreditMemo, Estimate, Invoice, Payment, RefundReceipt, SalesReceipt } from "./sales.js";

export type * from "./common.js";
export type * from "./lines.js";
export type * from "./names.js";
export type * from "./sales.js";
export type * from "./purchases.js";
export type * from "./company.js";
export type * from "./lists.js";

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
  PurchaseOrder: PurchaseOrder;
  RefundReceipt: RefundReceipt;
  VendorCredit: VendorCredit;
  Transfer: Transfer;
  Class: Class;
  Department: Department;
  PaymentMethod: PaymentMethod;
  Term: Term;
  JournalCode: JournalCode;
  CompanyCurrency: CompanyCurrency;
  TaxAgency: TaxAgency;
  TaxCode: TaxCode;
  TaxRate: TaxRate;
  Budget: Budget;
  ExchangeRate: ExchangeRate;
}

/** An entity's API name, e.g. `"Invoice"`. */
export type EntityName = keyof QuickBooksEntities;

/** The type of an entity. */
export type EntityOf<K extends EntityName> = QuickBooksEntities[K];

/** Entities there is one of per company: read and (sparse) updated, never created or deleted. */
export type SingletonEntityName = "CompanyInfo" | "Preferences";

/** Name-list entities: made inactive (`Active: false`), never deleted. */
export type NameListEntityName =
  | "Customer"
  | "Vendor"
  | "Employee"
  | "Item"
  | "Account"
  | "Class"
  | "Department"
  | "PaymentMethod"
  | "Term"
  | "JournalCode"
  | "CompanyCurrency"
  | "TaxAgency"
  | "TaxCode"
  | "TaxRate"
  | "Budget";

/** Entities the API only reads (TaxCode and TaxRate are made by TaxService, budgets in QuickBooks). */
export type ReadOnlyEntityName = "TaxCode" | "TaxRate" | "Budget";

/** Entities that can be deleted (`qb.delete`). */
export type DeletableEntityName = Exclude<
  EntityName,
  SingletonEntityName | NameListEntityName | "ExchangeRate"
>;

/** Entities that can be created (`qb.create`). */
export type CreatableEntityName = Exclude<
  EntityName,
  SingletonEntityName | ReadOnlyEntityName | "ExchangeRate"
>;

/** Entities that can be updated (`qb.update`): all but the read-only ones and TaxAgency (create-only). */
export type UpdatableEntityName = Exclude<EntityName, ReadOnlyEntityName | "TaxAgency">;

/** Transactions that can be voided (`qb.void`): Payment by `include=void`, the others by `operation=void`. */
export type VoidableEntityName = "Invoice" | "Payment" | "SalesReceipt" | "BillPayment";

/** Documents Intuit emails (`qb.send`). */
export type SendableEntityName =
  "Invoice" | "Estimate" | "SalesReceipt" | "CreditMemo" | "PurchaseOrder" | "RefundReceipt";

/** Documents Intuit serves as PDF (`qb.pdf`). */
export type PdfEntityName = "Invoice" | "Estimate" | "CreditMemo" | "SalesReceipt" | "RefundReceipt";

/** Fields the server owns. */
type ServerFields = "Id" | "SyncToken" | "MetaData" | "domain" | "sparse";

/** A create body: the entity without the fields the server sets. */
export type CreateBody<K extends EntityName> = Omit<EntityOf<K>, ServerFields>;

/**
 * An update: `Id` and the `SyncToken` last read, with the fields to change (sparse by default). An
 * exchange rate has no Id: it names its currency and day instead.
 */
export type EntityUpdate<K extends EntityName> = K extends "ExchangeRate"
  ? ExchangeRateUpdate
  : { Id: string; SyncToken: string } & Partial<CreateBody<K>>;

/** An exchange rate's update: the currency and day it is for, the SyncToken last read and the rate. */
export interface ExchangeRateUpdate {
  SourceCurrencyCode: string;
  AsOfDate: string;
  SyncToken: string;
  Rate: number;
  TargetCurrencyCode?: string;
}

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
  "PurchaseOrder",
  "RefundReceipt",
  "VendorCredit",
  "Transfer",
  "Class",
  "Department",
  "PaymentMethod",
  "Term",
  "JournalCode",
  "CompanyCurrency",
  "TaxAgency",
  "TaxCode",
  "TaxRate",
  "Budget",
  "ExchangeRate",
]);

const NAME_LISTS: ReadonlySet<string> = new Set([
  "Customer",
  "Vendor",
  "Employee",
  "Item",
  "Account",
  "Class",
  "Department",
  "PaymentMethod",
  "Term",
  "JournalCode",
  "CompanyCurrency",
  "TaxAgency",
  "TaxCode",
  "TaxRate",
  "Budget",
]);
const READ_ONLY: ReadonlySet<string> = new Set(["TaxCode", "TaxRate", "Budget"]);
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

/** Whether the API only reads an entity (no create, update or delete). */
export function isReadOnly(name: string): name is ReadOnlyEntityName {
  return READ_ONLY.has(name);
}

/**
 * Why Intuit refuses a write of an entity, or undefined when it allows it: the one rule `qb.create`,
 * `qb.update`, `qb.delete` and `qb.batch` check before sending.
 */
export function writeRefusal(
  name: EntityName,
  operation: "create" | "update" | "delete",
): string | undefined {
  if (isReadOnly(name)) return `${name} is read-only through the API (it cannot be ${operation}d)`;
  if (name === "ExchangeRate" && operation !== "update")
    return `ExchangeRate cannot be ${operation}d; update the rate of a currency and day instead`;
  if (name === "TaxAgency" && operation !== "create") return `TaxAgency can only be created and read`;
  if (operation === "create" && isSingleton(name)) return `${name} cannot be created; update it instead`;
  if (operation === "delete" && (isSingleton(name) || isNameList(name)))
    return `${name} cannot be deleted; make it inactive with update({ Active: false })`;
  return undefined;
}
