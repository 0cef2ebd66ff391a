// Reads the claims of an ID token that was verified earlier (to carry its nonce over to a
// refreshed one). It verifies nothing and must never be used to trust a token.
/** The payload of a compact JWT as an object, or undefined when it cannot be read. */
export function decodePayloadUnverified(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
