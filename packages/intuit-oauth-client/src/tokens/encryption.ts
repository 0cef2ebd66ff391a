// Optional encryption at rest for stores: AES-256-GCM, a random 96-bit IV per write, the realm id as
// associated data and a full 16-byte tag. Anything that does not authenticate is an
// UnreadableRecordError, never garbage. It knows nothing of record fields or of stores.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { ConfigurationError } from "../common/errors.js";
import { UnreadableRecordError } from "./store-errors.js";

/** A 32-byte key as a Buffer or Uint8Array, or as 64 hex digits, base64 or base64url text. */
export type EncryptionKey = Buffer | Uint8Array | string;

/**
 * One key, or a list of keys for rotation: the first encrypts every write, and each one is tried
 * in turn on reads.
 */
export type EncryptionKeys = EncryptionKey | readonly EncryptionKey[];

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

/**
 * The keys from an option, else from INTUIT_OAUTH_ENCRYPTION_KEY (one key, or several separated
 * by commas), else none (no encryption). The first is the one that writes.
 */
export function keysFromOptionOrEnv(keys: EncryptionKeys | undefined): Buffer[] {
  if (keys !== undefined) return parseKeyList(Array.isArray(keys) ? keys : [keys as EncryptionKey]);
  const env = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
  return env ? parseKeyList(env.split(",")) : [];
}

function parseKeyList(keys: readonly EncryptionKey[]): Buffer[] {
  if (keys.length === 0)
    throw new ConfigurationError("An encryption key list must hold at least one key (the one that writes)");
  return keys.map((key, i) => {
    try {
      return parseEncryptionKey(key);
    } catch (err) {
      if (keys.length === 1 || !(err instanceof ConfigurationError)) throw err;
      // Which one, never its value: the message of parseEncryptionKey holds no key either.
      throw new ConfigurationError(`Encryption key ${i + 1} of ${keys.length}: ${err.message}`);
    }
  });
}

const V2 = "enc:v2:";
const V1 = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** How stored text is written: JSON, `enc:v2:` (bound to its realm), `enc:v1:` (old, unbound), or another `enc:` version. */
export type RecordTextFormat = "plaintext" | "v2" | "v1" | "unknown";

/** The format of stored text (by its prefix only; nothing is decrypted). */
export function recordTextFormat(text: string): RecordTextFormat {
  if (text.startsWith(V2)) return "v2";
  if (text.startsWith(V1)) return "v1";
  return text.startsWith("enc:") ? "unknown" : "plaintext";
}

/** Where stored text was read from, for error reports. */
export interface RecordSource {
  /** The realm the text was stored under: the one it must belong to. */
  realmId: string;
  /** File path, Redis key or table/row description; never token values. */
  location?: string | undefined;
}

/**
 * Encrypts a record's JSON for `realmId`: `enc:v2:<iv>.<tag>.<ciphertext>`, each part base64url,
 * AES-256-GCM with a 12-byte random IV, a 16-byte tag, and the realm id (UTF-8) as associated data,
 * so the text opens only under that realm.
 */
export function encryptRecordText(json: string, key: Buffer, realmId: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(realmId, "utf8"));
  const data = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  return `${V2}${iv.toString("base64url")}.${cipher.getAuthTag().toString("base64url")}.${data.toString("base64url")}`;
}

/**
 * Decrypts `enc:v2:` text stored under `source.realmId` (and old `enc:v1:` text when
 * `allowLegacy`) with `key`, or with the first of `key`'s list that opens it (a rotation: the text
 * names no key, so each is tried in turn; a wrong key costs one failed tag check). A wrong key,
 * another realm, tampering, a truncated tag or malformed parts throw UnreadableRecordError; so do
 * plaintext (`corrupt`: not encrypted text) and a missing key.
 */
export function decryptRecordText(
  text: string,
  key: Buffer | readonly Buffer[] | undefined,
  source: RecordSource,
  options: { allowLegacy?: boolean | undefined } = {},
): string {
  const keys: readonly Buffer[] = key === undefined ? [] : Array.isArray(key) ? key : [key as Buffer];
  const format = recordTextFormat(text);
  const fail = (reason: "undecryptable" | "legacy_format" | "key_missing" | "corrupt", message: string) =>
    new UnreadableRecordError(message, { realmId: source.realmId, location: source.location, reason });
  if (format === "plaintext") throw fail("corrupt", `${describeSource(source)} are not encrypted text`);
  if (keys.length === 0)
    throw fail(
      "key_missing",
      `${describeSource(source)} are encrypted; set the encryption key (the store's encryptionKey, or INTUIT_OAUTH_ENCRYPTION_KEY)`,
    );
  if (format === "v1" && !options.allowLegacy)
    throw fail(
      "legacy_format",
      `${describeSource(source)} use the old enc:v1: format, which is not bound to its realm; rewrite them with encryptStoredRecords on a store opened with allowPlaintextRecords: true (docs/stores.md)`,
    );
  const undecryptable = () =>
    fail(
      "undecryptable",
      `Cannot decrypt the stored tokens of realm ${source.realmId}${at(source)}: ${keys.length > 1 ? `none of the ${keys.length} encryption keys opens them (a key removed too early?)` : "wrong encryption key"}, tampered data, or a record copied from another realm`,
    );
  if (format === "unknown") throw undecryptable();
  const parts = text.slice(V2.length).split(".");
  if (parts.length !== 3) throw undecryptable();
  const [iv, tag, data] = parts.map(strictBase64url) as [
    Buffer | undefined,
    Buffer | undefined,
    Buffer | undefined,
  ];
  if (iv?.length !== IV_BYTES || tag?.length !== TAG_BYTES || !data) throw undecryptable();
  for (const k of keys) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", k, iv, { authTagLength: TAG_BYTES });
      if (format === "v2") decipher.setAAD(Buffer.from(source.realmId, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
    } catch {
      // Not this key (or not this realm, or tampered): the next key, if any.
    }
  }
  throw undecryptable();
}

/** "The stored tokens of realm X (L)", the subject of every unreadable-record message. */
export function describeSource(source: RecordSource): string {
  return `The stored tokens of realm ${source.realmId}${at(source)}`;
}

function at(source: RecordSource): string {
  return source.location ? ` (${source.location})` : "";
}

// Buffer.from skips characters outside the alphabet; only canonical base64url is accepted.
function strictBase64url(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, "base64url");
  return bytes.toString("base64url") === part ? bytes : undefined;
}
