// Reads the claims of an ID token that was verified earlier (to carry its nonce over to a
// refreshed one). It verifies nothing and must never be used to trust a token.
import { fromBase64Url, fromUtf8 } from "../common/bytes.js";
/** The payload of a compact JWT as an object, or undefined when it cannot be read. */
export function decodePayloadUnverified(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
    const value: unknown = JSON.parse(fromUtf8(fromBase64Url(parts[1])));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
