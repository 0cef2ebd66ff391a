// Bytes and text for runtimes without Node's Buffer (workerd, Deno, edge runtimes): TextEncoder and
// base64 from the platform. Same API as bytes.ts, which the Node build uses instead.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

// ES2026's Uint8Array.fromBase64 and toBase64 (in Bun, Deno, workerd and current browsers) are native
// and an order of magnitude faster than atob/btoa with a loop, which remain the fallback elsewhere.
interface NativeBase64 {
  fromBase64?: (text: string, options: { alphabet: "base64url" }) => Uint8Array;
}
interface NativeToBase64 {
  toBase64?: (
    this: Uint8Array,
    options?: { alphabet: "base64" | "base64url"; omitPadding: boolean },
  ) => string;
}
const nativeFromBase64 = (Uint8Array as unknown as NativeBase64).fromBase64;
const nativeToBase64 = (Uint8Array.prototype as unknown as NativeToBase64).toBase64;

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `bytes` read as UTF-8. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  if (nativeToBase64) return nativeToBase64.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  if (nativeToBase64) return nativeToBase64.call(bytes, { alphabet: "base64url", omitPadding: true });
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url the caller already checked against the alphabet (no padding). */
export function fromBase64Url(text: string): Uint8Array {
  // Both decoders ignore set bits after the last byte; id-token.ts re-encodes to refuse those.
  if (nativeFromBase64) return nativeFromBase64.call(Uint8Array, text, { alphabet: "base64url" });
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "===".slice((b64.length + 3) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** One array holding `parts` in order. */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
