// Synchronous SHA-256 and HMACs: node:crypto in the Node build. digest.web.ts gives the same API
// on other runtimes, in plain JavaScript (their Web Crypto digests are async only).
import { createHash, createHmac } from "node:crypto";

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return createHash("sha256").update(data).digest();
}

/** HMAC-SHA256 of `data` with `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac("sha256", key).update(data).digest();
}

/** HMAC-SHA1 of `data` with `key` (OAuth 1.0a only). */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  return createHmac("sha1", key).update(data).digest();
}
