// RS256 verification through Web Crypto (crypto.subtle), for runtimes without node:crypto. Keys are
// imported once per `kid` by the JWKS cache. Same API as rsa.ts, which the Node build uses instead.
import type { RsaVerifyKey } from "./rsa-key.js";

export type { RsaVerifyKey } from "./rsa-key.js";

/** RSA keys shorter than this are refused: they verify nothing. */
export const MIN_RSA_BITS = 2048;

const ALGORITHM = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;

/** Imports an RSA public JWK (`n`, `e`), or undefined when it is unusable or under 2048 bits. */
export async function importRsaKey(jwk: { n?: unknown; e?: unknown }): Promise<RsaVerifyKey | undefined> {
  if (typeof jwk.n !== "string" || typeof jwk.e !== "string") return undefined;
  try {
    const key = await globalThis.crypto.subtle.importKey(
      "jwk",
      { kty: "RSA", n: jwk.n, e: jwk.e, alg: "RS256", ext: true },
      ALGORITHM,
      false,
      ["verify"],
    );
    const bits = (key.algorithm as { modulusLength?: number }).modulusLength ?? 0;
    return bits >= MIN_RSA_BITS ? (key as unknown as RsaVerifyKey) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `signature` is a valid RS256 (RSASSA-PKCS1-v1_5, SHA-256) signature of `data`. */
export function verifyRs256(key: RsaVerifyKey, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const cryptoKey = key as unknown as CryptoKey;
  return globalThis.crypto.subtle.verify(
    ALGORITHM,
    cryptoKey,
    signature as BufferSource,
    data as BufferSource,
  );
}

/** Web Crypto verifies only asynchronously: always undefined (await {@link verifyRs256}). */
export function verifyRs256Now(
  _key: RsaVerifyKey,
  _data: Uint8Array,
  _signature: Uint8Array,
): boolean | undefined {
  return undefined;
}
