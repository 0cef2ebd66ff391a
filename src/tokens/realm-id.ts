// The one realm-id rule every store applies, and the one order of list(). Pure functions; no I/O.
import { InvalidRealmIdError } from "./store-errors.js";

/** Longest realm id, in UTF-8 bytes: percent-encoded, it still fits a 255-byte file name. */
export const MAX_REALM_ID_BYTES = 64;

// C0 and C1 control characters, DEL, and lone surrogates (not encodable as UTF-8).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|\p{Surrogate}/u;
const utf8 = new TextEncoder();
// The common case (QuickBooks ids are digits), settled without encoding: printable ASCII, 1–64 long.
const PLAIN_ASCII = /^[\x20-\x7e]{1,64}$/;

/**
 * Returns `realmId` when it is a valid realm id: a non-empty string of at most 64 UTF-8 bytes, with
 * no control characters and no lone surrogates. Otherwise throws InvalidRealmIdError (a
 * TokenStoreError). QuickBooks realm ids are digit strings well inside this rule.
 *
 * @example
 * async get(realmId: string) { checkRealmId(realmId); ... }
 */
export function checkRealmId(realmId: unknown): string {
  if (typeof realmId === "string" && PLAIN_ASCII.test(realmId)) return realmId;
  if (typeof realmId !== "string" || realmId === "")
    throw new InvalidRealmIdError("A realm id must be a non-empty string");
  // Length first: a UTF-16 unit is at least one UTF-8 byte, and a huge input is never encoded.
  if (realmId.length > MAX_REALM_ID_BYTES || utf8.encode(realmId).length > MAX_REALM_ID_BYTES)
    throw new InvalidRealmIdError(`A realm id must be at most ${MAX_REALM_ID_BYTES} bytes (UTF-8)`);
  if (FORBIDDEN.test(realmId))
    throw new InvalidRealmIdError("A realm id must not contain control characters or lone surrogates");
  return realmId;
}

/** True when {@link checkRealmId} would accept `realmId`. */
export function isValidRealmId(realmId: unknown): realmId is string {
  try {
    checkRealmId(realmId);
    return true;
  } catch {
    return false;
  }
}

/** The order of every store's list(): ascending by realmId, plain string (UTF-16 code unit) comparison. */
export function compareRealmIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
