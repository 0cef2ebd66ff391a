// The wire's contract: one function type that sends a request and returns status, headers and the
// whole body. Implementations: node-transport.ts (node:http keep-alive, Node only) and
// fetch-transport.ts (any fetch, every runtime). They know nothing of OAuth, retries or Intuit's
// errors; they only report network failures.
import { NetworkError } from "./errors.js";

/** One outgoing request, as the transport sees it. */
export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  /** The caller's signal: when it fires the transport stops and rejects promptly. */
  signal?: AbortSignal | undefined;
  /** Time allowed until the whole answer (or, for a stream, its headers) has arrived. */
  timeoutMs: number;
  /** The error to reject with when {@link timeoutMs} passes. */
  timeoutError: () => Error;
  /** Largest body accepted, in bytes. */
  maxBodyBytes: number;
  /** Hand a 2xx body over as a stream instead of buffering it (other statuses are still buffered). */
  stream?: boolean | undefined;
  /** Aborts a streamed body after the response has resolved (the caller's signal). */
  bodySignal?: AbortSignal | undefined;
}

/** A complete HTTP answer. Header names are lower-case. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  /** Empty when {@link stream} is set. */
  body: Uint8Array;
  /** The body, unread, when the request asked for a stream and the status is 2xx. */
  stream?: ReadableStream<Uint8Array>;
}

/** Sends one request. Rejects only with {@link NetworkError} (or the signal's reason). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A `fetch`-compatible function, for proxies, other runtimes and test doubles. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Whether `status` is 2xx. */
export const isSuccess = (status: number) => status >= 200 && status < 300;

/** Error codes that mean the request certainly never left this machine. */
export const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** A NetworkError for a failure, saying whether the request may have reached the server. */
export function networkError(err: unknown, sent: boolean, intuitTid?: string): NetworkError {
  const systemCode = (err as { code?: unknown } | null)?.code;
  const code = typeof systemCode === "string" ? systemCode : undefined;
  const notSent = !sent || (code !== undefined && NOT_SENT_CODES.has(code));
  return new NetworkError(
    `Network error${code ? ` (${code})` : ""}: ${(err as Error)?.message ?? String(err)}${intuitTid ? `, intuit_tid ${intuitTid}` : ""}`,
    // spread-ok: the error path only
    {
      cause: err,
      requestMayHaveBeenSent: !notSent,
      ...(code ? { systemCode: code } : {}),
      ...(intuitTid ? { intuitTid } : {}),
    },
  );
}
