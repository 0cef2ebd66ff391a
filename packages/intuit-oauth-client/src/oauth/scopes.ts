// Intuit's OAuth scopes (platform reference §9). Raw strings are accepted everywhere too,
// because Intuit launches scopes faster than any enum can follow.
import { ConfigurationError } from "../common/errors.js";
import { PYTHON_SCOPE_NAMES } from "../common/python.js";

const PASCAL = {
  Accounting: "com.intuit.quickbooks.accounting",
  Payment: "com.intuit.quickbooks.payment",
  OpenId: "openid",
  Profile: "profile",
  Email: "email",
  Phone: "phone",
  Address: "address",
  IntuitName: "intuit_name",
  Payroll: "com.intuit.quickbooks.payroll",
  PayrollTimetracking: "com.intuit.quickbooks.payroll.timetracking",
  PayrollBenefits: "com.intuit.quickbooks.payroll.benefits",
  PayslipRead: "com.intuit.quickbooks.payroll.payslip.read",
  ProjectManagement: "project-management.project",
  CustomFields: "app-foundations.custom-field-definitions",
  CustomFieldsRead: "app-foundations.custom-field-definitions.read",
  Dimensions: "app-foundations.custom-dimensions.read",
  EmployeeCompensation: "payroll.compensation.read",
  TimeTracking: "time-tracking.time-entry",
  Tax: "indirect-tax.tax-calculation.quickbooks",
  /** Value unconfirmed by Intuit (taken from a Python client pull request title). */
  TaxComplianceWorkpapers: "tax-compliance.workpapers",
} as const;

/**
 * Intuit OAuth scopes. PascalCase members, plus Python's UPPER_SNAKE names as aliases.
 *
 * @example
 * authClient.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId, Scopes.Email]);
 */
export const Scopes = Object.freeze({ ...PASCAL, ...pythonAliases(PASCAL) });

/** Python's UPPER_SNAKE names (common/python.ts), so code ported from `intuitlib.enums.Scopes` reads the same. */
function pythonAliases(pascal: typeof PASCAL) {
  const aliases = {} as {
    [K in keyof typeof PYTHON_SCOPE_NAMES]: (typeof PASCAL)[(typeof PYTHON_SCOPE_NAMES)[K]];
  };
  for (const [python, name] of Object.entries(PYTHON_SCOPE_NAMES))
    (aliases as Record<string, string>)[python] = pascal[name];
  return aliases;
}

/** A known scope's wire string. */
export type Scope = (typeof PASCAL)[keyof typeof PASCAL];

/** A known scope, or any raw scope string. */
export type ScopeLike = Scope | (string & {});

/** Scopes that make Intuit return a `realmId` (a QuickBooks company). */
export const COMPANY_SCOPES: readonly string[] = [PASCAL.Accounting, PASCAL.Payment];

const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** Validates a scope list and joins it with spaces. Throws on an empty list or a malformed scope. */
export function formatScopes(scopes: readonly ScopeLike[] | ScopeLike): string {
  const list = typeof scopes === "string" ? scopes.split(" ").filter(Boolean) : [...scopes];
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigurationError("At least one scope is required");
  for (const s of list) {
    if (typeof s !== "string" || !SCOPE_SYNTAX.test(s))
      throw new ConfigurationError(`Invalid scope: ${JSON.stringify(s)}`);
  }
  return [...new Set(list)].join(" ");
}
