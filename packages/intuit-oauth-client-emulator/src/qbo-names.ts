// What production fills in on name-list entities and references: the `name` of every `…Ref` the
// company can resolve, `FullyQualifiedName` with parent paths (`Parent:Child`), and the defaults of a
// created Customer, Vendor, Item or Account. Pure over the realm's entities; never stores anything.
import type { EmulatorContext } from "./context.js";
import { refValue } from "./qbo-schema.js";
import { num } from "./qbo-money.js";
import { findEntity, type Entity } from "./qbo-store.js";

/** The company's home currency and its display name (Preferences.CurrencyPrefs.HomeCurrency). */
export function homeCurrency(ctx: EmulatorContext, realmId: string): { value: string; name: string } {
  const prefs = findEntity(ctx, realmId, "Preferences", "1");
  const home = (prefs?.["CurrencyPrefs"] as Record<string, unknown> | undefined)?.["HomeCurrency"];
  const value = refValue(home) ?? "USD";
  return { value, name: CURRENCY_NAMES[value] ?? value };
}

/** Whether the company has multicurrency on (CompanyCurrency and HomeTotalAmt depend on it). */
export function multicurrency(ctx: EmulatorContext, realmId: string): boolean {
  const prefs = findEntity(ctx, realmId, "Preferences", "1");
  return (prefs?.["CurrencyPrefs"] as Record<string, unknown> | undefined)?.["MultiCurrencyEnabled"] === true;
}

const CURRENCY_NAMES: Record<string, string> = {
  USD: "United States Dollar",
  CAD: "Canadian Dollar",
  EUR: "Euro",
  GBP: "British Pound Sterling",
  AUD: "Australian Dollar",
  INR: "Indian Rupee",
};

/** The entity a reference field points at (`CustomerRef` → Customer, `APAccountRef` → Account, …). */
function referencedEntity(field: string): string | undefined {
  if (field.endsWith("AccountRef")) return "Account";
  return REF_ENTITIES[field];
}

const REF_ENTITIES: Record<string, string> = {
  CustomerRef: "Customer",
  VendorRef: "Vendor",
  EmployeeRef: "Employee",
  ItemRef: "Item",
  ClassRef: "Class",
  DepartmentRef: "Department",
  SalesTermRef: "Term",
  PaymentMethodRef: "PaymentMethod",
  TaxCodeRef: "TaxCode",
  TxnTaxCodeRef: "TaxCode",
  TaxRateRef: "TaxRate",
};

/** The name production shows for an entity in a reference. */
export function displayName(entity: Entity): string | undefined {
  const name = entity["FullyQualifiedName"] ?? entity["DisplayName"] ?? entity["Name"];
  return typeof name === "string" ? name : undefined;
}

/**
 * A copy of `value` with `name` set on every reference the company resolves. An unknown reference keeps
 * what it had: the emulator does not refuse references it cannot resolve (production's check is 610).
 */
export function namedRefs(ctx: EmulatorContext, realmId: string, value: unknown, parent?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => namedRefs(ctx, realmId, v, parent));
  if (!value || typeof value !== "object") return value;
  const out: Entity = {};
  for (const [k, v] of Object.entries(value as Entity)) {
    const target = k === "ParentRef" ? parent : referencedEntity(k);
    const id = target ? refValue(v) : undefined;
    const found = target && id !== undefined ? findEntity(ctx, realmId, target, id) : undefined;
    const name = found ? displayName(found) : undefined;
    out[k] =
      name !== undefined && v && typeof v === "object"
        ? { ...(v as Entity), name }
        : name !== undefined
          ? { value: id, name }
          : namedRefs(ctx, realmId, v, parent);
  }
  return out;
}

/** `Parent:Child` for an entity with a `ParentRef` to another of its type, and its depth (0 at the top). */
function qualified(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  body: Entity,
  own: string,
): { name: string; level: number } {
  const parentId = refValue(body["ParentRef"]);
  const parent = parentId === undefined ? undefined : findEntity(ctx, realmId, entity, parentId);
  if (!parent) return { name: own, level: 0 };
  const parentName = String(parent["FullyQualifiedName"] ?? displayName(parent) ?? parentId);
  return { name: `${parentName}:${own}`, level: Number(parent["Level"] ?? 0) + 1 };
}

const ACCOUNT_CLASSIFICATION: Record<string, string> = {
  Bank: "Asset",
  "Accounts Receivable": "Asset",
  "Other Current Asset": "Asset",
  "Fixed Asset": "Asset",
  "Other Asset": "Asset",
  "Accounts Payable": "Liability",
  "Credit Card": "Liability",
  "Other Current Liability": "Liability",
  "Long Term Liability": "Liability",
  Equity: "Equity",
  Income: "Revenue",
  "Other Income": "Revenue",
  "Cost of Goods Sold": "Expense",
  Expense: "Expense",
  "Other Expense": "Expense",
};

/** The classification (Asset, Liability, Equity, Revenue, Expense) of an account type. */
export function classification(accountType: unknown): string {
  return ACCOUNT_CLASSIFICATION[String(accountType)] ?? "Expense";
}

const SUB_FLAG: Record<string, string> = {
  Customer: "Job",
  Item: "SubItem",
  Account: "SubAccount",
  Class: "SubClass",
  Department: "SubDepartment",
};

/** The fields production fills on a name-list entity being created or updated (existing values win). */
export function nameListFields(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  body: Entity,
  creating: boolean,
): Entity {
  const currency = homeCurrency(ctx, realmId);
  const out: Entity = { ...body };
  const own = String(body["DisplayName"] ?? body["Name"] ?? "");
  const flag = SUB_FLAG[entity];
  if (flag) {
    const { name, level } = qualified(ctx, realmId, entity, body, own);
    out["FullyQualifiedName"] = name;
    out[flag] = refValue(body["ParentRef"]) !== undefined;
    if (level > 0) out["Level"] = level;
    else delete out["Level"];
  }
  const fill = (field: string, value: unknown) => {
    if (out[field] === undefined) out[field] = value;
  };
  if (entity === "Customer") {
    // Balance is writable on create only (an opening balance); afterwards transactions move it.
    if (creating) {
      out["Balance"] = num(body["Balance"]);
      out["BalanceWithJobs"] = num(body["Balance"]);
    }
    fill("BillWithParent", false);
    fill("PrintOnCheckName", own);
    fill("PreferredDeliveryMethod", "Print");
    fill("Taxable", true);
    fill("CurrencyRef", currency);
  } else if (entity === "Vendor") {
    if (creating) out["Balance"] = num(body["Balance"]);
    fill("PrintOnCheckName", own);
    fill("Vendor1099", false);
    fill("CurrencyRef", currency);
  } else if (entity === "Account") {
    out["Classification"] = classification(body["AccountType"]);
    if (creating) {
      out["CurrentBalance"] = 0;
      out["CurrentBalanceWithSubAccounts"] = 0;
    }
    fill("CurrencyRef", currency);
  } else if (entity === "Employee") {
    fill("PrintOnCheckName", own);
  }
  return namedRefs(ctx, realmId, out, entity) as Entity;
}
