// RSA signing keys for ID tokens: generation, rotation, JWKS and RS256 JWT signing (node:crypto only).
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from "node:crypto";

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

/** A public key as the JWKS endpoint serves it. */
export interface PublicJwk {
  kty: "RSA";
  n: string;
  e: string;
  use: "sig";
  alg: "RS256";
  kid: string;
}

/** Saved form of the keys (PKCS#8 PEM). */
export interface SavedKeys {
  current: { kid: string; pem: string };
  previous?: { kid: string; pem: string };
}

function newKey(): SigningKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
  return { kid: randomBytes(15).toString("base64url"), privateKey };
}

/** The current signing key and the one before it, so tokens signed before a rotation still verify. */
export class SigningKeys {
  private current: SigningKey;
  private previous: SigningKey | undefined;

  constructor(saved?: SavedKeys) {
    if (saved) {
      this.current = { kid: saved.current.kid, privateKey: createPrivateKey(saved.current.pem) };
      this.previous = saved.previous
        ? { kid: saved.previous.kid, privateKey: createPrivateKey(saved.previous.pem) }
        : undefined;
    } else {
      this.current = newKey();
    }
  }

  rotate(): void {
    this.previous = this.current;
    this.current = newKey();
  }

  get kid(): string {
    return this.current.kid;
  }

  jwks(): { keys: PublicJwk[] } {
    const keys = [this.current, ...(this.previous ? [this.previous] : [])];
    return {
      keys: keys.map(({ kid, privateKey }) => {
        const jwk = createPublicKey(privateKey).export({ format: "jwk" });
        return { kty: "RSA", n: String(jwk.n), e: String(jwk.e), use: "sig", alg: "RS256", kid };
      }),
    };
  }

  /** Compact RS256 JWS over `claims`, header `{alg, kid}`. */
  signJwt(claims: Record<string, unknown>): string {
    const header = { alg: "RS256", kid: this.current.kid };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign("sha256", Buffer.from(input), this.current.privateKey);
    return `${input}.${signature.toString("base64url")}`;
  }

  save(): SavedKeys {
    const pem = (k: SigningKey) => ({
      kid: k.kid,
      pem: String(k.privateKey.export({ format: "pem", type: "pkcs8" })),
    });
    return { current: pem(this.current), ...(this.previous ? { previous: pem(this.previous) } : {}) };
  }
}

function b64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
