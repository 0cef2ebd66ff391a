// The one type of an imported RS256 verification key, shared by rsa.ts and rsa.web.ts so that both
// siblings have the same signature. Opaque: a node:crypto KeyObject inside one, a CryptoKey inside
// the other, and only the importRsaKey of the same build makes one.
declare const rsaVerifyKey: unique symbol;

/** A key imported once by `importRsaKey` and reused for every token signed with its `kid`. */
export interface RsaVerifyKey {
  readonly [rsaVerifyKey]: "RsaVerifyKey";
}
