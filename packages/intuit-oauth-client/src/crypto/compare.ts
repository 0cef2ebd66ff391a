// Constant-time comparison for secrets (state, nonce, signatures): the time taken depends on the
// lengths only, never on where the first difference is.
import { utf8 } from "../common/bytes.js";

/** Whether `a` and `b` hold the same bytes, compared in constant time. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Whether two strings are equal, compared in constant time over their UTF-8 bytes. */
export function safeEqual(a: string, b: string): boolean {
  return bytesEqual(utf8(a), utf8(b));
}
