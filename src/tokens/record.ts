// Serialising token records to text and reading them back strictly, for stores that keep text.
import { tokenSetFromJSON, TokenSetFormatError, toNumber } from "../client/token-set.js";
import { decrypt, encrypt, keyFromOptionOrEnv, type EncryptionKey } from "./encryption.js";
import type { ReauthorizationReason, TokenRecord } from "./store.js";

const REASONS: ReadonlySet<string> = new Set([
  "invalid_grant",
  "refresh_token_expired",
  "refresh_token_hard_expired",
]);

/** The record as JSON text. */
export function serializeRecord(record: TokenRecord): string {
  return JSON.stringify(record);
}

/** Reads a record written by {@link serializeRecord} (or its parsed object). Throws TokenSetFormatError. */
export function parseRecord(input: unknown): TokenRecord {
  let v = input;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      throw new TokenSetFormatError("stored token record is not valid JSON");
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new TokenSetFormatError("stored token record must be an object");
  const o = v as Record<string, unknown>;
  if (typeof o["realmId"] !== "string" || o["realmId"] === "")
    throw new TokenSetFormatError("stored token record has no realmId");
  const record: TokenRecord = {
    realmId: o["realmId"],
    token: tokenSetFromJSON(o["token"]),
    updatedAt: toNumber(o["updatedAt"] ?? 0, "updatedAt"),
  };
  const r = o["reauthorization"] as Record<string, unknown> | undefined | null;
  if (r !== undefined && r !== null) {
    if (typeof r !== "object" || typeof r["reason"] !== "string" || !REASONS.has(r["reason"]))
      throw new TokenSetFormatError("stored reauthorization has an unknown reason");
    record.reauthorization = {
      reason: r["reason"] as ReauthorizationReason,
      at: toNumber(r["at"], "reauthorization.at"),
      ...(typeof r["error"] === "string" ? { error: r["error"] } : {}),
      ...(typeof r["errorDescription"] === "string" ? { errorDescription: r["errorDescription"] } : {}),
      ...(typeof r["intuitTid"] === "string" ? { intuitTid: r["intuitTid"] } : {}),
    };
  }
  const w = o["warningsSent"];
  if (Array.isArray(w)) record.warningsSent = w.map((d) => toNumber(d, "warningsSent"));
  return record;
}

/** Turns records into stored text and back, encrypting when a key is configured. */
export interface RecordCodec {
  encode(record: TokenRecord): string;
  /** Reads stored text (or an already-parsed object from a JSON column). */
  decode(stored: unknown): TokenRecord;
}

/** The codec every text-keeping store uses: JSON, plus AES-256-GCM when a key is given or in the environment. */
export function recordCodec(encryptionKey: EncryptionKey | undefined): RecordCodec {
  const key = keyFromOptionOrEnv(encryptionKey);
  return {
    encode: (record) => (key ? encrypt(serializeRecord(record), key) : serializeRecord(record)),
    decode: (stored) => parseRecord(typeof stored === "string" ? decrypt(stored, key) : stored),
  };
}
