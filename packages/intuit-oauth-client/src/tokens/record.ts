// Serialising token records to JSON text and reading them back strictly (parseRecord), and
// copying them. Portable and I/O-free; record-codec.ts adds encryption for stores that keep text.
import { copyTokenSet, parseTokenSet, TokenSetFormatError, toNumber } from "../oauth/token-set.js";
import type { ReauthorizationReason, TokenRecord } from "./store.js";

const REASONS: ReadonlySet<string> = new Set([
  "invalid_grant",
  "refresh_token_expired",
  "refresh_token_hard_expired",
]);

/**
 * A fresh, unfrozen copy of a record, its token set printed redacted. The fields go in the order
 * {@link parseRecord} uses, so records a store builds and records it parses share hidden classes.
 */
export function copyRecord(record: TokenRecord): TokenRecord {
  const copy: TokenRecord = {
    realmId: record.realmId,
    token: copyTokenSet(record.token),
    updatedAt: record.updatedAt,
  };
  if (record.reauthorization) copy.reauthorization = { ...record.reauthorization };
  if (record.warningsSent) copy.warningsSent = [...record.warningsSent];
  return copy;
}

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
    token: parseTokenSet(o["token"]),
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

/**
 * Freezes a record and its parts, as every store returns them: a read shares nothing a caller could
 * change behind the store's back, and costs no copy (the memory store hands out what it holds).
 */
export function freezeRecord(record: TokenRecord): TokenRecord {
  Object.freeze(record.token);
  if (record.reauthorization) Object.freeze(record.reauthorization);
  if (record.warningsSent) Object.freeze(record.warningsSent);
  return Object.freeze(record);
}
