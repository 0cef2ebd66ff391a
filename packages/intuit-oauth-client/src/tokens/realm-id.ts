// The realm-id rule of the token manager and every store, which is the one rule of the library
// (src/oauth/realm-id.ts: QuickBooks realm ids are 1 to 32 digits), and the one order of list().
// Pure functions; no I/O.
import { isQuickBooksRealmId, realmIdProblem } from "../oauth/realm-id.js";
import { InvalidRealmIdError } from "./store-errors.js";

/**
 * Returns `realmId` when it is a QuickBooks realm id (1 to 32 ASCII digits, the rule the callback
 * and the API helper apply too). Otherwise throws InvalidRealmIdError (a TokenStoreError), whose
 * message says what a realm id is and never echoes a long value.
 *
 * @example
 * async get(realmId: string) { checkRealmId(realmId); ... }
 */
export function checkRealmId(realmId: unknown): string {
  if (isQuickBooksRealmId(realmId)) return realmId;
  throw new InvalidRealmIdError(`realmId: ${realmIdProblem(realmId)}`);
}

/** True when {@link checkRealmId} would accept `realmId`. */
export function isValidRealmId(realmId: unknown): realmId is string {
  return isQuickBooksRealmId(realmId);
}

/** The order of every store's list(): ascending by realmId, plain string (UTF-16 code unit) comparison. */
export function compareRealmIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
