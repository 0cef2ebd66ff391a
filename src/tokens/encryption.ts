// Optional encryption at rest for stores: AES-256-GCM with a random 96-bit IV per write.
// A wrong key fails authentication and gives a clear error, never garbage.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigurationError } from "../http/errors.js";
import { TokenStoreError } from "./store.js";

/** A 32-byte key as a Buffer or Uint8Array, or as 64 hex digits, base64 or base64url text. */
export type EncryptionKey = Buffer | Uint8Array | string;

const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;
const BASE64URL_KEY = /^[A-Za-z0-9_-]{43}=?$/;

/**
 * Reads a key strictly: exactly 32 bytes, given as bytes, 64 hex digits, or canonical base64 /
 * base64url (padding optional; surrounding whitespace ignored). Junk characters, which
 * `Buffer.from` would silently skip, and all-same-byte keys (32 zero bytes) are refused.
 * Throws ConfigurationError, whose message never contains the key.
 *
 * @example
 * const key = parseEncryptionKey(process.env.TOKEN_KEY ?? ""); // e.g. `openssl rand -base64 32`
 */
export function parseEncryptionKey(key: EncryptionKey): Buffer {
  let buf: Buffer | undefined;
  if (typeof key === "string") {
    const k = key.trim();
    if (HEX_KEY.test(k)) buf = Buffer.from(k, "hex");
    else if (BASE64_KEY.test(k) || BASE64URL_KEY.test(k)) {
      const decoded = Buffer.from(k, k.includes("-") || k.includes("_") ? "base64url" : "base64");
      // Canonical only: the 2 spare bits of the last character must be zero.
      if (decoded.toString("base64url") === k.replace(/=$/, "").replace(/\+/g, "-").replace(/\//g, "_"))
        buf = decoded;
    }
    if (!buf)
      throw new ConfigurationError(
        "An encryption key must be 32 bytes: 64 hex digits, or base64 / base64url of 32 bytes (e.g. `openssl rand -base64 32`), with no other characters",
      );
  } else if (key instanceof Uint8Array) buf = Buffer.from(key);
  else throw new ConfigurationError("An encryption key must be a Buffer, a Uint8Array or a string");
  if (buf.length !== KEY_BYTES)
    throw new ConfigurationError(`An encryption key must be exactly 32 bytes, not ${buf.length}`);
  if (buf.every((b) => b === buf[0]))
    throw new ConfigurationError(
      "An encryption key must be random: this one repeats a single byte (generate one with `openssl rand -base64 32`)",
    );
  return buf;
}

/** The key from an option, else from INTUIT_OAUTH_ENCRYPTION_KEY, else undefined (no encryption). */
export function keyFromOptionOrEnv(key: EncryptionKey | undefined): Buffer | undefined {
  if (key !== undefined) return parseEncryptionKey(key);
  const env = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
  return env ? parseEncryptionKey(env) : undefined;
}

const PREFIX = "enc:v1:";

/** Encrypts text into `enc:v1:<iv>.<tag>.<ciphertext>` (base64url parts). */
export function encrypt(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${PREFIX}${iv.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${data.toString("base64url")}`;
}

/** True when text was produced by {@link encrypt}. */
export function isEncrypted(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** Decrypts text from {@link encrypt}. A wrong key or tampered data throws TokenStoreError. */
export function decrypt(text: string, key: Buffer | undefined): string {
  if (!isEncrypted(text)) return text;
  if (!key)
    throw new TokenStoreError(
      "Stored tokens are encrypted; set the encryption key (INTUIT_OAUTH_ENCRYPTION_KEY)",
    );
  const [iv, tag, data] = text.slice(PREFIX.length).split(".");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv ?? "", "base64url"));
    decipher.setAuthTag(Buffer.from(tag ?? "", "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data ?? "", "base64url")), decipher.final()]).toString(
      "utf8",
    );
  } catch {
    throw new TokenStoreError("Cannot decrypt stored tokens: wrong encryption key or tampered data");
  }
}
