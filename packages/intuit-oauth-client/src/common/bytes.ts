// Bytes and text without Node's Buffer in the signatures: UTF-8, base64 and base64url. This file is
// the Node build's (Buffer is fastest there); bytes.web.ts is the same API for every other runtime.

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}

/** `bytes` read as UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Decodes base64url the caller already checked against the alphabet (no padding). */
export function fromBase64Url(text: string): Uint8Array {
  return Buffer.from(text, "base64url");
}

/** One array holding `parts` in order. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  return Buffer.concat(parts, total);
}
