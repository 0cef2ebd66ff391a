// Python parity in one place: the names a user of Intuit's Python client (intuitlib) knows, as
// aliases of this library's own. Nothing else in the library uses them.
import type { IntuitOAuthError } from "./errors.js";

/** Python's UPPER_SNAKE scope names, mapped to this library's PascalCase `Scopes` members. */
export const PYTHON_SCOPE_NAMES = {
  ACCOUNTING: "Accounting",
  PAYMENT: "Payment",
  OPENID: "OpenId",
  PROFILE: "Profile",
  EMAIL: "Email",
  PHONE: "Phone",
  ADDRESS: "Address",
  INTUIT_NAME: "IntuitName",
  PAYROLL: "Payroll",
  PAYROLL_TIMETRACKING: "PayrollTimetracking",
  PAYROLL_BENEFITS: "PayrollBenefits",
  PAYSLIP_READ: "PayslipRead",
  PROJECT_MANAGEMENT: "ProjectManagement",
  CUSTOM_FIELDS: "CustomFields",
  CUSTOM_FIELDS_READ: "CustomFieldsRead",
  EMPLOYEE_COMPENSATION: "EmployeeCompensation",
  TAX: "Tax",
} as const;

/** Python's `AuthClientError.status_code` and `intuit_tid`, as read-only getters on the prototype. */
export function definePythonErrorAliases(
  errorClass: abstract new (
    ...args: never[]
  ) => IntuitOAuthError & { statusCode: number; intuitTid: string | undefined },
): void {
  Object.defineProperties(errorClass.prototype, {
    status_code: {
      get(this: { statusCode: number }) {
        return this.statusCode;
      },
      configurable: true,
    },
    intuit_tid: {
      get(this: { intuitTid: string | undefined }) {
        return this.intuitTid;
      },
      configurable: true,
    },
  });
}
