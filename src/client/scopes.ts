// Intuit's OAuth scopes (platform reference §9). Raw strings are accepted everywhere too,
// because Intuit launches scopes faster than any enum can follow.
import { ConfigurationError } from "../http/errors.js";

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

/** Python's UPPER_SNAKE names, so code ported from `intuitlib.enums.Scopes` reads the same. */
const PYTHON = {
  ACCOUNTING: PASCAL.Accounting,
  PAYMENT: PASCAL.Payment,
  OPENID: PASCAL.OpenId,
  PROFILE: PASCAL.Profile,
  EMAIL: PASCAL.Email,
  PHONE: PASCAL.Phone,
  ADDRESS: PASCAL.Address,
  INTUIT_NAME: PASCAL.IntuitName,
  PAYROLL: PASCAL.Payroll,
  PAYROLL_TIMETRACKING: PASCAL.PayrollTimetracking,
  PAYROLL_BENEFITS: PASCAL.PayrollBenefits,
  PAYSLIP_READ: PASCAL.PayslipRead,
  PROJECT_MANAGEMENT: PASCAL.ProjectManagement,
  CUSTOM_FIELDS: PASCAL.CustomFields,
  CUSTOM_FIELDS_READ: PASCAL.CustomFieldsRead,
  EMPLOYEE_COMPENSATION: PASCAL.EmployeeCompensation,
  TAX: PASCAL.Tax,
} as const;

/**
 * Intuit OAuth scopes. PascalCase members, plus Python's UPPER_SNAKE names as aliases.
 *
 * @example
 * authClient.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId, Scopes.Email]);
 */
export const Scopes = Object.freeze({ ...PASCAL, ...PYTHON });

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
