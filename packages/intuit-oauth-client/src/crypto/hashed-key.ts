// Store keys for secret values (a callback's state or code, a webhook event): a prefix and the
// value's SHA-256, so a store, a log or a memory dump never holds the value itself.
import { toBase64Url, utf8 } from "../common/bytes.js";
import { sha256 } from "./digest.js";

/** `prefix` followed by the base64url SHA-256 of `value` (43 characters). */
export function hashedKey(prefix: string, value: string): string {
  return `${prefix}${toBase64Url(sha256(utf8(value)))}`;
}
