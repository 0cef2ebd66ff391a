// Synchronous SHA-256 and HMACs for runtimes without node:crypto, in plain JavaScript (sha-js.ts).
// Same API as digest.ts, which the Node build uses instead.
import { hmacJs, sha1Js, sha256Js } from "./sha-js.js";

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return sha256Js(data);
}

/** HMAC-SHA256 of `data` with `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmacJs(sha256Js, key, data);
}

/** HMAC-SHA1 of `data` with `key` (OAuth 1.0a only). */
export function hmacSha1(key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmacJs(sha1Js, key, data);
}
