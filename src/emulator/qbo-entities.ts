// QuickBooks entities the emulator keeps: CompanyInfo as production returns it, and customers and invoices
// per realm, with the required-field checks of a create. It never handles auth, limits or encoding.
import type { EmulatorContext } from "./context.js";
import { SEEDED_CUSTOMERS } from "./defaults.js";
import { entityTime } from "./intuit-time.js";
import type { FaultError } from "./qbo-fault.js";
import type { Company } from "./types.js";

/** Properties the emulator can filter and sort on, per entity (a subset of production's). */
export const QUERYABLE: Readonly<Record<string, readonly string[]>> = {
  Customer: [
    "Id",
    "DisplayName",
    "GivenName",
    "FamilyName",
    "MiddleName",
    "CompanyName",
    "PrimaryEmailAddr",
    "Active",
    "Balance",
    "MetaData.CreateTime",
    "MetaData.LastUpdatedTime",
  ],
  Invoice: [
    "Id",
    "DocNumber",
    "TxnDate",
    "DueDate",
    "CustomerRef",
    "TotalAmt",
    "Balance",
    "MetaData.CreateTime",
    "MetaData.LastUpdatedTime",
  ],
};

/** The canonical spelling of an entity name as written in a query or path (`customer` → `Customer`). */
export function entityName(text: string): string | undefined {
  return Object.keys(QUERYABLE).find((name) => name.toLowerCase() === text.toLowerCase());
}

/** CompanyInfo with the fields production returns (address, Country, FiscalYearStartMonth, NameValue, …). */
export function companyInfo(
  company: Company | undefined,
  realmId: string,
  createdMs: number,
): Record<string, unknown> {
  const name = company?.companyName ?? realmId;
  const country = company?.country ?? "US";
  const address = {
    Id: "1",
    Line1: "2700 Coast Ave",
    City: "Mountain View",
    CountrySubDivisionCode: "CA",
    Country: country,
    PostalCode: "94043",
  };
  const email = { Address: "noreply@quickbooks.com" };
  const created = entityTime(createdMs);
  return {
    CompanyName: name,
    LegalName: name,
    CompanyAddr: address,
    CustomerCommunicationAddr: { ...address },
    LegalAddr: { ...address },
    CustomerCommunicationEmailAddr: email,
    PrimaryPhone: {},
    CompanyStartDate: created.slice(0, 10),
    FiscalYearStartMonth: "January",
    Country: country,
    Email: { ...email },
    WebAddr: {},
    SupportedLanguages: "en",
    NameValue: [
      { Name: "NeoEnabled", Value: "true" },
      { Name: "IndustryType", Value: "Landscaping Services" },
      { Name: "IndustryCode", Value: "561730" },
      { Name: "SubscriptionStatus", Value: "SUBSCRIBED" },
      { Name: "OfferingSku", Value: "QuickBooks Online Plus" },
      { Name: "PayrollFeature", Value: "false" },
      { Name: "AccountantFeature", Value: "false" },
      { Name: "IsQbdtMigrated", Value: "false" },
      { Name: "QBOIndustryType", Value: "Landscaping Services" },
      { Name: "ItemCategoriesFeature", Value: "true" },
      { Name: "CompanyType", Value: "Other" },
    ],
    domain: "QBO",
    sparse: false,
    Id: "1",
    SyncToken: "0",
    MetaData: { CreateTime: created, LastUpdatedTime: created },
  };
}

function realmMap<T>(store: Map<string, Map<string, T>>, realmId: string): Map<string, T> {
  let m = store.get(realmId);
  if (!m) {
    m = new Map();
    store.set(realmId, m);
  }
  return m;
}

/** The realm's customers: the seeded five, then those created through the API. */
export function customers(ctx: EmulatorContext, realmId: string): Record<string, unknown>[] {
  const seeded = SEEDED_CUSTOMERS.map((c) => ({
    ...c,
    MetaData: { CreateTime: entityTime(ctx.startedAt), LastUpdatedTime: entityTime(ctx.startedAt) },
  }));
  return [...seeded, ...(ctx.state.customers.get(realmId)?.values() ?? [])];
}

/** The realm's invoices, in creation order. */
export function invoices(ctx: EmulatorContext, realmId: string): Record<string, unknown>[] {
  return [...(ctx.state.invoices.get(realmId)?.values() ?? [])];
}

const missing = (field: string): FaultError => ({
  Message: "Required param missing, need to supply the required value for the API",
  Detail: `Required parameter ${field} is missing in the request`,
  code: "2020",
  element: field,
});

const NAME_FIELDS = [
  "DisplayName",
  "Title",
  "GivenName",
  "MiddleName",
  "FamilyName",
  "Suffix",
  "CompanyName",
];

/** Required-field check of a create; undefined when the body may be created. */
export function createProblem(
  entity: "Customer" | "Invoice",
  body: Record<string, unknown>,
): FaultError | undefined {
  if (entity === "Invoice") {
    const ref = body["CustomerRef"];
    const refValue = ref && typeof ref === "object" ? (ref as Record<string, unknown>)["value"] : ref;
    if (typeof refValue !== "string" || refValue === "") return missing("CustomerRef");
    const line = body["Line"];
    if (!Array.isArray(line) || line.length === 0) return missing("Line");
    return undefined;
  }
  const named = NAME_FIELDS.some((f) => typeof body[f] === "string" && (body[f] as string).trim() !== "");
  return named ? undefined : missing("DisplayName");
}

/** Store a created entity with a new Id, SyncToken and MetaData; returns it as the API echoes it. */
export function createEntity(
  ctx: EmulatorContext,
  entity: "Customer" | "Invoice",
  realmId: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const store = entity === "Invoice" ? ctx.state.invoices : ctx.state.customers;
  const list = realmMap(store, realmId);
  const id = String((entity === "Invoice" ? 1000 : 100) + list.size + 1);
  const at = entityTime(ctx.clock.now());
  const extra: Record<string, unknown> =
    entity === "Customer" && body["DisplayName"] === undefined
      ? {
          DisplayName: NAME_FIELDS.map((f) => body[f])
            .filter((v) => typeof v === "string")
            .join(" "),
        }
      : {};
  const created = {
    ...body,
    ...extra,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: { CreateTime: at, LastUpdatedTime: at },
  };
  list.set(id, created);
  ctx.state.markChanged();
  return created;
}
