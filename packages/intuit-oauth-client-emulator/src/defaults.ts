// Seed data: the default app, companies, user, OAuth1 credentials, customers and known scopes.
import type { Company, EmulatorClient, EmulatorUser, OAuth1Credentials } from "./types.js";

/**
 * The app registered when no `clients` option is given.
 *
 * @example
 * const auth = Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString("base64");
 */
export const DEFAULT_CLIENT: Readonly<EmulatorClient> = Object.freeze({
  clientId: "emulator-client-id",
  clientSecret: "emulator-client-secret",
  redirectUris: ["http://127.0.0.1:8000/callback", "http://localhost:8000/callback"],
  appName: "Emulator Sample App",
});

/** The two sandbox companies seeded when no `companies` option is given. */
export const DEFAULT_COMPANIES: readonly Readonly<Company>[] = Object.freeze([
  { realmId: "9341453050198162", companyName: "Sandbox Company_US_1", country: "US" },
  { realmId: "9341453050198175", companyName: "Sandbox Company_US_2", country: "US" },
]);

/** The user who signs in when no `users` option is given. */
export const DEFAULT_USER: Readonly<EmulatorUser> = Object.freeze({
  sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34",
  givenName: "Alex",
  familyName: "Sandbox",
  email: "alex.sandbox@example.com",
  emailVerified: true,
  phoneNumber: "+1 6505550100",
  phoneNumberVerified: false,
  address: {
    streetAddress: "2700 Coast Ave",
    locality: "Mountain View",
    region: "CA",
    postalCode: "94043",
    country: "US",
  },
});

/**
 * OAuth 1.0a credentials accepted by the migrate endpoint, bound to the first company.
 *
 * @example
 * // sign a migrate request with consumerSecret & accessSecret (HMAC-SHA1)
 */
export const DEFAULT_OAUTH1: Readonly<Required<Omit<OAuth1Credentials, "realmId">>> = Object.freeze({
  consumerKey: "emulator-consumer-key",
  consumerSecret: "emulator-consumer-secret",
  accessToken: "emulator-oauth1-token",
  accessSecret: "emulator-oauth1-secret",
});

/** Customers every company starts with (QuickBooks sandbox names). */
export const SEEDED_CUSTOMERS: readonly Record<string, unknown>[] = Object.freeze([
  customer("1", "Amy's Bird Sanctuary", "Amy", "Lauterbach", 239),
  customer("2", "Bill's Windsurf Shop", "Bill", "Lucchini", 85),
  customer("3", "Cool Cars", "Grace", "Pariente", 0),
  customer("4", "Diego Rodriguez", "Diego", "Rodriguez", 0),
  customer("5", "Dukes Basketball Camp", "Peter", "Dukes", 0),
]);

function customer(id: string, displayName: string, givenName: string, familyName: string, balance: number) {
  return {
    Id: id,
    SyncToken: "0",
    DisplayName: displayName,
    GivenName: givenName,
    FamilyName: familyName,
    FullyQualifiedName: displayName,
    PrintOnCheckName: displayName,
    Balance: balance,
    BalanceWithJobs: balance,
    Job: false,
    BillWithParent: false,
    Taxable: true,
    PreferredDeliveryMethod: "Print",
    CurrencyRef: { value: "USD", name: "United States Dollar" },
    Active: true,
    domain: "QBO",
    sparse: false,
  };
}

/** Scopes from the platform reference; other dotted identifiers are accepted as raw scopes. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  "com.intuit.quickbooks.accounting",
  "com.intuit.quickbooks.payment",
  "openid",
  "profile",
  "email",
  "phone",
  "address",
  "intuit_name",
  "com.intuit.quickbooks.payroll",
  "com.intuit.quickbooks.payroll.timetracking",
  "com.intuit.quickbooks.payroll.benefits",
  "com.intuit.quickbooks.payroll.payslip.read",
  "project-management.project",
  "app-foundations.custom-field-definitions",
  "app-foundations.custom-field-definitions.read",
  "app-foundations.custom-dimensions.read",
  "payroll.compensation.read",
  "time-tracking.time-entry",
  "indirect-tax.tax-calculation.quickbooks",
  "tax-compliance.workpapers",
]);

/** Scopes that bind a grant to a company and yield `realmId`. */
export const REALM_SCOPES: ReadonlySet<string> = new Set([
  "com.intuit.quickbooks.accounting",
  "com.intuit.quickbooks.payment",
]);

/** Parse a space-separated scope string; undefined when empty or any item looks like garbage. */
export function parseScopes(raw: string | undefined | null): string[] | undefined {
  if (!raw) return undefined;
  const items = raw.split(/[ +]+/).filter((s) => s.length > 0);
  if (items.length === 0) return undefined;
  const rawScope = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/i;
  for (const s of items) {
    if (!KNOWN_SCOPES.has(s) && !(s.length <= 200 && rawScope.test(s))) return undefined;
  }
  return [...new Set(items)];
}
