// Randomness from the runtime's CSPRNG (Web Crypto's getRandomValues, present in Node 20, Bun,
// Deno and workerd alike). Never Math.random.
import { toBase64Url } from "../common/bytes.js";

/** `n` bytes from the CSPRNG. */
export function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

/** A fresh random value from the CSPRNG: 32 bytes (256 bits) by default, base64url. */
export function randomToken(bytes = 32): string {
  return toBase64Url(randomBytes(bytes));
}

/** A random (v4) UUID. */
export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}
