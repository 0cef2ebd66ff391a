// The QuickBooks entities the emulator serves and their rules: canonical names, which are name-list
// entities (made inactive, never deleted), queryable properties, id ranges, and the required fields of
// a create with Intuit's ValidationFault (code 2020). Pure data and checks; no state, no HTTP.
import { missing, type FaultError } from "./qbo-fault.js";

/**
 * How an entity behaves: name lists are deactivated, transactions deleted, singletons only read/updated,
 * exchange rates read by currency and date and updated.
 */
export type EntityKind = "name" | "transaction" | "attachable" | "singleton" | "rate";

/** One entity type. */
export interface EntitySpec {
  name: string;
  kind: EntityKind;
  /** Ids of created entities start above this (the seeded customers use 1–5). */
  idBase: number;
  /** Properties a WHERE or ORDERBY may use. */
  queryable: readonly string[];
  /** The required-field check of a create; undefined when the body may be created. */
  required: (body: Record<string, unknown>) => FaultError | undefined;
  /** Writes production refuses for this entity (read-only lists, create-only ones); none when absent. */
  refuses?: readonly ("create" | "update" | "delete")[];
  /** How it is voided: `operation=void`, or (Payment) `operation=update&include=void`; absent: not voidable. */
  void?: "operation" | "include";
  /** Another setting it needs (CompanyCurrency: multicurrency on). */
  needs?: "multicurrency";
}

const META = ["Id", "MetaData.CreateTime", "MetaData.LastUpdatedTime"];
const PERSON = ["DisplayName", "GivenName", "FamilyName", "MiddleName", "CompanyName", "PrimaryEmailAddr"];
const TXN = ["DocNumber", "TxnDate", "TotalAmt"];

const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
const present = (v: unknown) => v !== undefined && v !== null && v !== "";

/** A reference `{ value }` (or a bare id) with a non-empty value. */
export function refValue(v: unknown): string | undefined {
  const value = v && typeof v === "object" ? (v as Record<string, unknown>)["value"] : v;
  return typeof value === "string" && value !== "" ? value : undefined;
}

const lines = (body: Record<string, unknown>) => Array.isArray(body["Line"]) && body["Line"].length > 0;

/** The first rule that fails, as a 2020 fault for its field. */
function firstMissing(
  body: Record<string, unknown>,
  rules: Array<[string, (b: Record<string, unknown>) => boolean]>,
): FaultError | undefined {
  for (const [field, ok] of rules) if (!ok(body)) return missing(field);
  return undefined;
}

const ref = (field: string) => (b: Record<string, unknown>) => refValue(b[field]) !== undefined;

/** Name fields any of which names a Customer, Vendor or Employee (then DisplayName is made from them). */
export const NAME_FIELDS = [
  "DisplayName",
  "Title",
  "GivenName",
  "MiddleName",
  "FamilyName",
  "Suffix",
  "CompanyName",
];

const named = (b: Record<string, unknown>) => NAME_FIELDS.some((f) => text(b[f]));

function payType(b: Record<string, unknown>): FaultError | undefined {
  const type = b["PayType"];
  if (type === "Check")
    return refValue((b["CheckPayment"] as Record<string, unknown> | undefined)?.["BankAccountRef"])
      ? undefined
      : missing("CheckPayment.BankAccountRef");
  if (type === "CreditCard")
    return refValue((b["CreditCardPayment"] as Record<string, unknown> | undefined)?.["CCAccountRef"])
      ? undefined
      : missing("CreditCardPayment.CCAccountRef");
  return missing("PayType");
}

function item(b: Record<string, unknown>): FaultError | undefined {
  if (!text(b["Name"])) return missing("Name");
  const type = typeof b["Type"] === "string" ? b["Type"] : "NonInventory";
  if (type === "Category" || type === "Group") return undefined;
  if (refValue(b["IncomeAccountRef"]) === undefined) return missing("IncomeAccountRef");
  if (type !== "Inventory") return undefined;
  return firstMissing(b, [
    ["AssetAccountRef", ref("AssetAccountRef")],
    ["ExpenseAccountRef", ref("ExpenseAccountRef")],
    ["QtyOnHand", (x) => present(x["QtyOnHand"])],
    ["InvStartDate", (x) => text(x["InvStartDate"])],
  ]);
}

function timeActivity(b: Record<string, unknown>): FaultError | undefined {
  const nameOf = b["NameOf"];
  if (nameOf !== "Employee" && nameOf !== "Vendor") return missing("NameOf");
  const who = nameOf === "Employee" ? "EmployeeRef" : "VendorRef";
  if (refValue(b[who]) === undefined) return missing(who);
  const timed = present(b["Hours"]) || present(b["Minutes"]) || (text(b["StartTime"]) && text(b["EndTime"]));
  return timed ? undefined : missing("Hours");
}

const none = () => undefined;
const nameRequired = (b: Record<string, unknown>) => (text(b["Name"]) ? undefined : missing("Name"));
const READ_ONLY = ["create", "update", "delete"] as const;

const SPECS: EntitySpec[] = [
  {
    name: "Customer",
    kind: "name",
    idBase: 100,
    queryable: [...META, ...PERSON, "Active", "Balance"],
    required: (b) => (named(b) ? undefined : missing("DisplayName")),
  },
  {
    name: "Vendor",
    kind: "name",
    idBase: 0,
    queryable: [...META, ...PERSON, "Active", "Balance"],
    required: (b) => (named(b) ? undefined : missing("DisplayName")),
  },
  {
    name: "Employee",
    kind: "name",
    idBase: 0,
    queryable: [...META, ...PERSON, "Active", "EmployeeNumber"],
    required: (b) =>
      text(b["GivenName"]) || text(b["FamilyName"]) || text(b["DisplayName"])
        ? undefined
        : missing("GivenName"),
  },
  {
    name: "Item",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Type", "Active", "Sku"],
    required: item,
  },
  {
    name: "Account",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "AccountType", "AccountSubType", "Classification", "Active"],
    required: (b) =>
      !text(b["Name"])
        ? missing("Name")
        : text(b["AccountType"]) || text(b["AccountSubType"])
          ? undefined
          : missing("AccountType"),
  },
  {
    name: "Invoice",
    kind: "transaction",
    idBase: 1000,
    queryable: [...META, ...TXN, "DueDate", "CustomerRef", "Balance"],
    required: (b) =>
      firstMissing(b, [
        ["CustomerRef", ref("CustomerRef")],
        ["Line", lines],
      ]),
    void: "operation",
  },
  {
    name: "Bill",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "DueDate", "VendorRef", "Balance"],
    required: (b) =>
      firstMissing(b, [
        ["VendorRef", ref("VendorRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "Payment",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, "TxnDate", "TotalAmt", "CustomerRef"],
    required: (b) =>
      firstMissing(b, [
        ["CustomerRef", ref("CustomerRef")],
        ["TotalAmt", (x) => present(x["TotalAmt"])],
      ]),
    void: "include",
  },
  {
    name: "BillPayment",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "VendorRef"],
    required: (b) =>
      firstMissing(b, [
        ["VendorRef", ref("VendorRef")],
        ["TotalAmt", (x) => present(x["TotalAmt"])],
        ["Line", lines],
      ]) ?? payType(b),
    void: "operation",
  },
  {
    name: "SalesReceipt",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "CustomerRef"],
    required: (b) => firstMissing(b, [["Line", lines]]),
    void: "operation",
  },
  {
    name: "Estimate",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "CustomerRef", "TxnStatus"],
    required: (b) =>
      firstMissing(b, [
        ["CustomerRef", ref("CustomerRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "CreditMemo",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "CustomerRef"],
    required: (b) =>
      firstMissing(b, [
        ["CustomerRef", ref("CustomerRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "JournalEntry",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, "DocNumber", "TxnDate"],
    required: (b) => firstMissing(b, [["Line", lines]]),
  },
  {
    name: "Purchase",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "AccountRef", "PaymentType"],
    required: (b) =>
      firstMissing(b, [
        ["AccountRef", ref("AccountRef")],
        ["PaymentType", (x) => ["Cash", "Check", "CreditCard"].includes(String(x["PaymentType"]))],
        ["Line", lines],
      ]),
  },
  {
    name: "Deposit",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, "TxnDate", "TotalAmt", "DepositToAccountRef"],
    required: (b) =>
      firstMissing(b, [
        ["DepositToAccountRef", ref("DepositToAccountRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "TimeActivity",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, "TxnDate", "NameOf", "EmployeeRef", "VendorRef", "CustomerRef"],
    required: timeActivity,
  },
  {
    name: "PurchaseOrder",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "VendorRef", "POStatus"],
    required: (b) =>
      firstMissing(b, [
        ["VendorRef", ref("VendorRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "RefundReceipt",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "CustomerRef"],
    required: (b) =>
      firstMissing(b, [
        ["Line", lines],
        ["DepositToAccountRef", ref("DepositToAccountRef")],
      ]),
  },
  {
    name: "VendorCredit",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, ...TXN, "VendorRef"],
    required: (b) =>
      firstMissing(b, [
        ["VendorRef", ref("VendorRef")],
        ["Line", lines],
      ]),
  },
  {
    name: "Transfer",
    kind: "transaction",
    idBase: 0,
    queryable: [...META, "TxnDate", "Amount", "FromAccountRef", "ToAccountRef"],
    required: (b) =>
      firstMissing(b, [
        ["FromAccountRef", ref("FromAccountRef")],
        ["ToAccountRef", ref("ToAccountRef")],
        ["Amount", (x) => present(x["Amount"])],
      ]),
  },
  { name: "Class", kind: "name", idBase: 0, queryable: [...META, "Name", "Active"], required: nameRequired },
  {
    name: "Department",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Active"],
    required: nameRequired,
  },
  {
    name: "PaymentMethod",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Type", "Active"],
    required: nameRequired,
  },
  {
    name: "Term",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Type", "DueDays", "Active"],
    required: nameRequired,
  },
  {
    name: "JournalCode",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Type", "Active"],
    required: nameRequired,
  },
  {
    name: "CompanyCurrency",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Code", "Name", "Active"],
    required: (b) => (text(b["Code"]) ? undefined : missing("Code")),
    needs: "multicurrency",
  },
  {
    name: "TaxAgency",
    kind: "name",
    idBase: 0,
    queryable: [...META, "DisplayName"],
    required: (b) => (text(b["DisplayName"]) ? undefined : missing("DisplayName")),
    refuses: ["update", "delete"],
  },
  // Read-only through the API: TaxCode and TaxRate are made by TaxService, budgets in QuickBooks.
  {
    name: "TaxCode",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Active", "Taxable", "TaxGroup"],
    required: none,
    refuses: READ_ONLY,
  },
  {
    name: "TaxRate",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "Active", "RateValue"],
    required: none,
    refuses: READ_ONLY,
  },
  {
    name: "Budget",
    kind: "name",
    idBase: 0,
    queryable: [...META, "Name", "StartDate", "EndDate", "Active"],
    required: none,
    refuses: READ_ONLY,
  },
  // Read by `exchangerate?sourcecurrencycode=&asofdate=`, set by an update; never created or deleted.
  {
    name: "ExchangeRate",
    kind: "rate",
    idBase: 0,
    queryable: ["SourceCurrencyCode", "TargetCurrencyCode", "AsOfDate", "Rate"],
    required: none,
    refuses: ["create", "delete"],
  },
  {
    name: "Attachable",
    kind: "attachable",
    idBase: 5000000000,
    queryable: [...META, "FileName", "Note", "ContentType"],
    required: (b) => (text(b["Note"]) || text(b["FileName"]) ? undefined : missing("Note")),
  },
  { name: "CompanyInfo", kind: "singleton", idBase: 0, queryable: [...META, "CompanyName"], required: none },
  { name: "Preferences", kind: "singleton", idBase: 0, queryable: META, required: none },
];

const BY_LOWER = new Map(SPECS.map((s) => [s.name.toLowerCase(), s]));

/** Every entity type served, in a stable order. */
export const ENTITY_NAMES: readonly string[] = SPECS.map((s) => s.name);

/** The spec of an entity named in any case (`customer`, `Customer`), or undefined. */
export function entitySpec(text: string): EntitySpec | undefined {
  return BY_LOWER.get(text.toLowerCase());
}

/** The canonical spelling of an entity name as written in a query or path (`customer` → `Customer`). */
export function entityName(text: string): string | undefined {
  return entitySpec(text)?.name;
}
