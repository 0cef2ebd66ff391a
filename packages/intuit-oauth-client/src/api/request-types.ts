// The shapes of one QuickBooks API call and its answer: what QuickBooksClient.send takes and returns,
// and what the data-plane helpers build on. Types only, so the helpers and the client share them
// without importing each other.
import type { QueryValues, QuickBooksApi } from "./url.js";

/** HTTP methods the API uses. */
export type QuickBooksMethod = "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
/** How a successful body is returned. */
export type QuickBooksResponseType = "json" | "text" | "arrayBuffer" | "stream";

/** One API call. */
export interface QuickBooksRequest<R extends QuickBooksResponseType = QuickBooksResponseType> {
  /** Default `GET`. */
  method?: QuickBooksMethod;
  /**
   * Relative to the API's base (`/v3/company/{realmId}/` for Accounting), absolute (`/v3/...`)
   * against its origin, or a full URL on one of the API origins. The access token goes nowhere else.
   */
  path: string;
  /** Which API `path` is for. Default `accounting`. */
  api?: QuickBooksApi;
  /**
   * `false` sends no Authorization header, and then any https URL may be fetched (an Attachable's
   * `TempDownloadUri`, which is signed already). Default true.
   */
  auth?: boolean;
  /** Query values, encoded for you; `undefined` values are skipped. */
  query?: QueryValues;
  /** An object (sent as JSON), a string (sent as is) or bytes. */
  body?: unknown;
  /** Extra headers (e.g. `Content-Type: application/text` for a POSTed query). */
  headers?: Record<string, string>;
  /** Default `json`. */
  responseType?: R;
  /**
   * Allow automatic retries (429, 5xx, network). Default: true for GET, and for a write that carries
   * an idempotency key (every Accounting or Payments write unless `requestId: false`).
   */
  idempotent?: boolean;
  /**
   * The write's idempotency key: Accounting's `requestid` query parameter, Payments' `Request-Id`
   * header (at most 50 characters). Default: a new UUID for each call (kept across its retries);
   * `false` sends none, and then the write is not retried. Ignored for GET and GraphQL.
   */
  requestId?: string | false;
  signal?: AbortSignal;
  /** Per-attempt timeout in ms; for streams it covers the wait for headers. */
  timeoutMs?: number;
}

/** Options of {@link QuickBooksClient.get} and {@link QuickBooksClient.post}. */
export type QuickBooksCallOptions = Omit<
  QuickBooksRequest<"json">,
  "method" | "path" | "body" | "responseType"
>;

/** The body type for a response type; `T` is the JSON shape. */
export type QuickBooksBody<R extends QuickBooksResponseType, T> = R extends "text"
  ? string
  : R extends "arrayBuffer"
    ? ArrayBuffer
    : R extends "stream"
      ? ReadableStream<Uint8Array>
      : T;

/** A successful answer with its diagnostics. */
export interface QuickBooksResponse<B> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  intuitTid: string | undefined;
  body: B;
  /** Requests sent for this call (1 = no retry). */
  attempts: number;
  /** The idempotency key the call carried (`requestid` or `Request-Id`), if any. */
  requestId?: string | undefined;
}

/** A JSON object answer. */
export type JsonObject = Record<string, unknown>;
