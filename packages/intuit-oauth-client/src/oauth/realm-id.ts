// The one rule for a QuickBooks company (realm) id, checked where one comes in: the callback, the
// API helper, its limits and metering. QuickBooks realm ids are decimal digits (`9341453050198162`),
// so nothing else can reach a URL path, a store key or an object key (`__proto__`). Pure; no I/O.

/** Longest realm id accepted, in digits; Intuit's are 8 to 20 today. */
export const MAX_QUICKBOOKS_REALM_ID_DIGITS = 32;

const DIGITS = /^[0-9]{1,32}$/;

/**
 * True when `value` is a QuickBooks realm id: 1 to 32 ASCII digits.
 *
 * @example
 * isQuickBooksRealmId("9341453050198162"); // true
 * isQuickBooksRealmId("__proto__"); // false
 */
export function isQuickBooksRealmId(value: unknown): value is string {
  return typeof value === "string" && DIGITS.test(value);
}

/** Why `value` is not a realm id, for an error message that never echoes a long or odd value. */
export function realmIdProblem(value: unknown): string {
  if (typeof value !== "string" || value === "") return "a realm id is required";
  return `a realm id is the company's number, 1 to ${MAX_QUICKBOOKS_REALM_ID_DIGITS} digits (got ${
    value.length > 40 ? `${value.length} characters` : JSON.stringify(value)
  })`;
}
