// Optional encryption at rest for stores: AES-256-GCM with a random 96-bit IV per write.
// A wrong key fails authentication and gives a clear error, never garbage.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigurationError } from "../http/errors.js";
import { TokenStoreError } from "./store.js";

/** A 32-byte key as a Buffer, or as a base64 / base64url / 64-hex-digit string. */
export type EncryptionKey = Buffer | Uint8Array | string;

/** Reads a key; throws ConfigurationError unless it is exactly 32 bytes. */
export function toKey(key: EncryptionKey): Buffer {
  let buf: Buffer;
  if (typeof key === "string") {
    const k = key.trim();
    buf = /^[0-9a-fA-F]{64}$/.test(k)
      ? Buffer.from(k, "hex")
      : Buffer.from(k, k.includes("-") || k.includes("_") ? "base64url" : "base64");
  } else buf = Buffer.from(key);
  if (buf.length !== 32)
    throw new ConfigurationError("An encryption key must be 32 bytes (base64 or 64 hex digits)");
  return buf;
}

/** The key from an option, else from INTUIT_OAUTH_ENCRYPTION_KEY, else undefined (no encryption). */
export function keyFromOptionOrEnv(key: EncryptionKey | undefined): Buffer | undefined {
  if (key !== undefined) return toKey(key);
  const env = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
  return env ? toKey(env) : undefined;
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
