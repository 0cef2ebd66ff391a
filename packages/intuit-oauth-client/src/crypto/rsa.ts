// RS256 verification keys and checks: node:crypto KeyObjects in the Node build (one synchronous
// crypto.verify per token once the key is cached). rsa.web.ts is the Web Crypto version; both have
// one signature (scripts/check-web-siblings.ts checks it), async because Web Crypto is.
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { RsaVerifyKey } from "./rsa-key.js";

export type { RsaVerifyKey } from "./rsa-key.js";

/** RSA keys shorter than this are refused: they verify nothing. */
export const MIN_RSA_BITS = 2048;

/** Imports an RSA public JWK (`n`, `e`), or undefined when it is unusable or under 2048 bits. */
export async function importRsaKey(jwk: { n?: unknown; e?: unknown }): Promise<RsaVerifyKey | undefined> {
  try {
    const key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e } as never, format: "jwk" });
    return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS
      ? (key as unknown as RsaVerifyKey)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `signature` is a valid RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature of `data`. The check
 * itself is synchronous here; the answer is an already-settled promise, as Web Crypto's would be.
 */
export function verifyRs256(key: RsaVerifyKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return Promise.resolve(verify("sha256", data, key as unknown as KeyObject, signature));
}

/**
 * {@link verifyRs256} done synchronously where the runtime can (node:crypto): true or false. Returns
 * undefined where it cannot (the Web Crypto build): the caller then awaits verifyRs256. Compare the
 * result with `=== true`: undefined is not a pass.
 */
export function verifyRs256Now(
  key: RsaVerifyKey,
  data: Uint8Array,
  signature: Uint8Array,
): boolean | undefined {
  return verify("sha256", data, key as unknown as KeyObject, signature);
}
