// Paging helpers every store shares: which records are due (and when), the check of a page limit,
// and opaque cursors. Pure and portable (no Buffer, no I/O); it must not know any store's storage.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt, REQUIRED } from "../common/options.js";
import { compareRealmIds } from "./realm-id.js";
import type { TokenRecord } from "./store.js";

/**
 * When a record becomes due for refresh (its access token's expiry, epoch ms), or undefined when it
 * is never due: a grant marked for reauthorization is refreshed by nobody until it is replaced.
 */
export function dueAt(record: TokenRecord): number | undefined {
  return record.reauthorization ? undefined : record.token.accessTokenExpiresAt;
}

/** Returns `limit` when it is a whole number ≥ 1; otherwise throws ConfigurationError. */
export function checkLimit(limit: unknown): number {
  return positiveInt("limit", limit, REQUIRED);
}

/** Returns `before` when it is a finite number (epoch ms); otherwise throws ConfigurationError. */
export function checkBefore(before: unknown): number {
  if (typeof before !== "number" || !Number.isFinite(before))
    throw new ConfigurationError("listDue needs `before` as a finite number (epoch ms)");
  return before;
}

/** An opaque cursor made of a number and a realm id (JSON, so any realm id round-trips). */
export function encodeCursor(position: number, realmId: string): string {
  return JSON.stringify([position, realmId]);
}

/**
 * Reads a cursor made by {@link encodeCursor}, or returns undefined for none. A cursor the store
 * did not make is a ConfigurationError (a programming error), never a TypeError.
 */
export function decodeCursor(cursor: string | undefined): [number, string] | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = typeof cursor === "string" ? JSON.parse(cursor) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === "number" &&
    Number.isFinite(parsed[0]) &&
    typeof parsed[1] === "string"
  )
    return [parsed[0], parsed[1]];
  throw new ConfigurationError("Not a cursor this store returned");
}

/**
 * listDue for stores that hold (or scan) their records in memory: due records sorted by expiry,
 * ties by realm id, after the cursor. The cursor holds the last record's expiry and realm id, so a
 * record refreshed meanwhile (its expiry moved later) never shifts the next page.
 */
export function dueRecordsPage(
  records: Iterable<TokenRecord>,
  before: number,
  limit: number,
  cursor: string | undefined,
): { records: TokenRecord[]; cursor: string | undefined } {
  checkBefore(before);
  checkLimit(limit);
  const after = decodeCursor(cursor);
  const due: Array<[number, TokenRecord]> = [];
  for (const record of records) {
    const at = dueAt(record);
    if (at === undefined || !(at <= before)) continue;
    if (after && (at < after[0] || (at === after[0] && compareRealmIds(record.realmId, after[1]) <= 0)))
      continue;
    due.push([at, record]);
  }
  due.sort((a, b) => a[0] - b[0] || compareRealmIds(a[1].realmId, b[1].realmId));
  const page = due.slice(0, limit);
  const last = page[page.length - 1];
  return {
    records: page.map(([, r]) => r),
    cursor: due.length > limit && last ? encodeCursor(last[0], last[1].realmId) : undefined,
  };
}

/**
 * listPage over realm ids a store can enumerate cheaply: the next `limit` ids after the cursor, in
 * realm-id order, and the cursor after them. The store then reads only those records.
 */
export function realmIdsPage(
  realmIds: readonly string[],
  limit: number,
  cursor: string | undefined,
): { realmIds: string[]; cursor: string | undefined } {
  checkLimit(limit);
  const after = decodeCursor(cursor);
  const sorted = [...realmIds].sort(compareRealmIds);
  const from = after ? sorted.findIndex((r) => compareRealmIds(r, after[1]) > 0) : 0;
  const start = from === -1 ? sorted.length : from;
  const page = sorted.slice(start, start + limit);
  const more = start + limit < sorted.length;
  const last = page[page.length - 1];
  return { realmIds: page, cursor: more && last !== undefined ? encodeCursor(0, last) : undefined };
}
