// Idempotency keys of QuickBooks writes: the Accounting API's `requestid` query parameter and the
// Payments API's `Request-Id` header. Intuit answers a repeated key (for the same company) with the
// original response, so a write that carries one is safe to retry. Pure string work; sends nothing.
import { ConfigurationError } from "../common/errors.js";
import { randomUUID } from "../crypto/random.js";
import type { QuickBooksApi } from "./url.js";

/** Longest `requestid` Intuit accepts on a single call (platform reference §14.3). */
export const MAX_REQUEST_ID_LENGTH = 50;
/** Longest `requestid` Intuit accepts on a batch call. */
export const MAX_BATCH_REQUEST_ID_LENGTH = 36;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Checks a caller's idempotency key: 1 to `max` visible ASCII characters (a UUID is 36).
 *
 * @example
 * checkRequestId("order-2024-0001"); // → "order-2024-0001"
 * checkRequestId("x".repeat(51)); // throws ConfigurationError
 */
export function checkRequestId(value: unknown, max: number = MAX_REQUEST_ID_LENGTH): string {
  if (typeof value !== "string" || value.length === 0 || value.length > max || !VISIBLE_ASCII.test(value))
    throw new ConfigurationError(
      `requestId must be 1 to ${max} visible ASCII characters (Intuit's limit${max === MAX_BATCH_REQUEST_ID_LENGTH ? " for batch" : ""}); a UUID is 36`,
    );
  return value;
}

/** What a request carries to make it idempotent. */
export interface WriteIdentity {
  /** The URL, with `requestid` added for an Accounting write. */
  url: string;
  /** Headers to add (`request-id` for a Payments write). */
  headers: Record<string, string>;
  /** The key sent, or undefined when none is. */
  requestId: string | undefined;
}

/** What {@link identifyWrite} looks at. */
export interface WriteIdentityInput {
  method: string;
  /** The API the URL belongs to (undefined for a URL on none, such as a TempDownloadUri). */
  api: QuickBooksApi | undefined;
  url: string;
  /** The caller's key; `false` sends none; undefined makes a UUID for a write. */
  requestId: string | false | undefined;
  /** The caller's headers (a `Request-Id` there is kept). */
  headers: Record<string, string> | undefined;
  /** Longest key allowed. Default {@link MAX_REQUEST_ID_LENGTH}. */
  maxLength?: number;
}

/**
 * The idempotency key of one call. Writes (anything but GET) to the Accounting API get `requestid`
 * in the query; writes to the Payments API get a `Request-Id` header; a key the caller already put in
 * the path or headers is kept (and checked). GETs, GraphQL and foreign URLs get none.
 *
 * @example
 * identifyWrite({ method: "POST", api: "accounting", url: "https://quickbooks.api.intuit.com/v3/company/1/invoice?minorversion=75", requestId: undefined, headers: undefined });
 * // → { url: "…/invoice?minorversion=75&requestid=3f0c…", headers: {}, requestId: "3f0c…" }
 */
export function identifyWrite(input: WriteIdentityInput): WriteIdentity {
  const none: WriteIdentity = { url: input.url, headers: {}, requestId: undefined };
  const max = input.maxLength ?? MAX_REQUEST_ID_LENGTH;
  if (input.requestId === false || input.method === "GET") return none;
  if (input.api === "accounting") {
    const existing = requestIdInUrl(input.url);
    if (existing !== undefined) {
      if (input.requestId !== undefined && input.requestId !== existing)
        throw new ConfigurationError("requestId differs from the requestid already in the path");
      // spread-ok: only for a write whose caller set the key already
      return { ...none, requestId: checkRequestId(existing, max) };
    }
    const requestId = input.requestId === undefined ? randomUUID() : checkRequestId(input.requestId, max);
    const separator = input.url.includes("?") ? "&" : "?";
    return {
      url: `${input.url}${separator}requestid=${encodeURIComponent(requestId)}`,
      headers: {},
      requestId,
    };
  }
  if (input.api === "payments") {
    const existing = Object.entries(input.headers ?? {}).find(([k]) => k.toLowerCase() === "request-id")?.[1];
    if (existing !== undefined) {
      if (input.requestId !== undefined && input.requestId !== existing)
        throw new ConfigurationError("requestId differs from the Request-Id header");
      // spread-ok: only for a write whose caller set the key already
      return { ...none, requestId: checkRequestId(existing, max) };
    }
    const requestId = input.requestId === undefined ? randomUUID() : checkRequestId(input.requestId, max);
    return { url: input.url, headers: { "request-id": requestId }, requestId };
  }
  return none;
}

function requestIdInUrl(url: string): string | undefined {
  const q = url.indexOf("?");
  if (q === -1) return undefined;
  for (const pair of url.slice(q + 1).split("&")) {
    const eq = pair.indexOf("=");
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (name.toLowerCase() !== "requestid") continue;
    try {
      return decodeURIComponent(eq === -1 ? "" : pair.slice(eq + 1));
    } catch {
      return pair.slice(eq + 1);
    }
  }
  return undefined;
}
