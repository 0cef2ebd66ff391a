// What the data-plane helpers (typed entities, paging, CDC, batch, attachments) need from the API
// helper: its one request path (`send`, which also applies the realm's limits, batch budget included),
// its realm and its clock. They
// reach nothing else of QuickBooksClient, so each stays a small file over one narrow interface.
import { QuickBooksError } from "./fault.js";
import type {
  QuickBooksBody,
  QuickBooksRequest,
  QuickBooksResponse,
  QuickBooksResponseType,
} from "./request-types.js";

/** The part of QuickBooksClient the data-plane helpers use. */
export interface DataPlane {
  readonly realmId: string;
  /** The request path: limits, Bearer token, refresh on 401, retries, Faults as QuickBooksError. */
  send<T, R extends QuickBooksResponseType = "json">(
    options: QuickBooksRequest<R>,
  ): Promise<QuickBooksResponse<QuickBooksBody<R, T>>>;
  /** The helper's clock (epoch ms). */
  now(): number;
  /** Items per batch request. */
  readonly batchSize: number;
  /** Whether `download()` may follow a TempDownloadUri to this URL (download-hosts.ts). */
  mayDownloadFrom(link: URL): boolean;
}

/** Per-call options every data-plane helper takes. */
export interface DataPlaneCallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout in ms. */
  timeoutMs?: number;
}

/** A 2xx answer without what it should hold, as a QuickBooksError carrying the body. */
export function unexpectedAnswer(res: QuickBooksResponse<unknown>, what: string): QuickBooksError {
  return new QuickBooksError({
    statusCode: res.status,
    content: `${what} is missing from the answer: ${safeJson(res.body)}`,
    headers: res.headers,
    intuitTid: res.intuitTid,
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}

/** `value` when it is a JSON object, else undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
