// The one request path: every HTTP call of the library (discovery, JWKS, tokens, userinfo, API)
// goes through HttpClient.send. It adds User-Agent and Accept, enforces the timeout, retries
// only when the caller says the request is safe to repeat, and captures intuit_tid.
// It never turns a status into an error: callers decide what a status means.
import { AbortError, ConfigurationError, NetworkError, TimeoutError } from "./errors.js";
import { toLogger, type Logger, type LoggerLike } from "./logger.js";
import { fetchTransport, nodeTransport, type FetchLike, type Transport } from "./transport.js";
import { VERSION } from "../version.js";
import { backoff, sleep } from "./sleep.js";

/** How failed requests are retried. Only requests marked idempotent are retried after being sent. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  retries: number;
  /** First backoff delay in ms, doubled each time. Default 200. */
  minDelayMs: number;
  /** Largest backoff delay in ms. Default 5000. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured, in ms; a longer one is not waited for. Default 60000. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  minDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 60_000,
};
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Options shared by everything that makes HTTP requests. */
export interface HttpOptions {
  /** Per-request timeout in ms. Default 30000. */
  timeout?: number;
  /** Retry policy overrides. `false` disables retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Use this fetch instead of node:http (proxies, other runtimes, test doubles). */
  fetch?: FetchLike;
  /** A logger; receives no secrets. */
  logger?: LoggerLike;
  /** Appended to the User-Agent after the library's own identifier. */
  userAgent?: string;
  /** Largest response body accepted. Default 64 MiB. */
  maxBodyBytes?: number;
}

/** One request as callers describe it. */
export interface SendOptions {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Whether resending after the request may have reached the server is safe. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  /** Overrides the client's retry policy for this request. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /**
   * Resolve a 2xx answer as soon as its headers arrive, with the body in `stream` (other statuses
   * are buffered as usual). `timeout` then covers only the wait for headers; `signal` still aborts the body.
   */
  stream?: boolean | undefined;
}

/** A complete answer, with Intuit's diagnostics pulled out. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The whole body; empty when {@link stream} is set. */
  body: Buffer;
  /** The unread body of a 2xx answer to a request sent with `stream: true`. */
  stream?: ReadableStream<Uint8Array>;
  intuitTid: string | undefined;
  date: string | undefined;
  /** How many attempts were made (1 = no retry). */
  attempts: number;
}

/** Parses a Retry-After header (seconds or HTTP date) into ms, or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

// An abort during the wait between attempts is the same typed AbortError as one mid-request.
function callerAbort(signal: AbortSignal | undefined): AbortError {
  return new AbortError("Request aborted by the caller", {
    requestMayHaveBeenSent: true,
    cause: signal?.reason,
  });
}

const BASE_USER_AGENT = `intuit-oauth-client/${VERSION} (Node.js ${process.version}; ${process.platform} ${process.arch})`;

/** Sends requests for one client configuration. Cheap to create; shares keep-alive sockets. */
export class HttpClient {
  readonly timeout: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly userAgent: string;
  private readonly transport: Transport;
  private readonly maxBodyBytes: number;
  /** Whether a logger was given; without one, no log fields are built on the hot path. */
  private readonly logging: boolean;

  constructor(options: HttpOptions = {}) {
    this.timeout = options.timeout ?? 30_000;
    this.retry =
      options.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...options.retry };
    this.logger = toLogger(options.logger);
    this.logging = options.logger !== undefined;
    if (options.userAgent !== undefined && !isValidHeaderValue(options.userAgent))
      throw new ConfigurationError(
        "userAgent has characters a header value cannot hold (CR, LF, NUL or non-Latin-1)",
      );
    this.userAgent = options.userAgent ? `${BASE_USER_AGENT} ${options.userAgent}` : BASE_USER_AGENT;
    this.transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  }

  /** Sends a request, retrying as the policy allows. Resolves with any HTTP status. */
  async send(options: SendOptions): Promise<HttpResponse> {
    const policy =
      options.retry === false
        ? { ...this.retry, retries: 0 }
        : options.retry
          ? { ...this.retry, ...options.retry }
          : this.retry;
    const headers: Record<string, string> = {
      "user-agent": this.userAgent,
      accept: "application/json",
      ...lowerKeys(options.headers),
    };
    // Checked here, so a CR/LF in a token is a typed rejection instead of a throw from deep
    // inside http.request (or a fetch error that quotes the value).
    assertValidHeaders(headers);
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt <= policy.retries;
      const started = this.logging ? performance.now() : 0;
      let response: HttpResponse;
      try {
        response = await this.attempt(options, headers, attempt);
      } catch (err) {
        const safe = options.idempotent || (err instanceof NetworkError && !err.requestMayHaveBeenSent);
        const retryable = err instanceof NetworkError && !(err instanceof AbortError);
        if (this.logging)
          this.logger.debug(
            { method: options.method, url: stripQuery(options.url), attempt, error: (err as Error).name },
            "intuit-oauth-client request failed",
          );
        if (!(canRetry && safe && retryable)) throw err;
        await sleep(backoff(policy, attempt), options.signal, callerAbort);
        continue;
      }
      if (this.logging)
        this.logger.debug(
          {
            method: options.method,
            url: stripQuery(options.url),
            status: response.status,
            intuitTid: response.intuitTid,
            attempt,
            ms: Math.round(performance.now() - started),
          },
          "intuit-oauth-client request",
        );
      if (!(canRetry && options.idempotent && RETRY_STATUSES.has(response.status))) return response;
      const retryAfter = parseRetryAfter(response.headers["retry-after"]);
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return response;
      await sleep(retryAfter ?? backoff(policy, attempt), options.signal, callerAbort);
    }
  }

  private async attempt(
    options: SendOptions,
    headers: Record<string, string>,
    attempt: number,
  ): Promise<HttpResponse> {
    const timeout = options.timeout ?? this.timeout;
    const url = options.url;
    try {
      const res = await this.transport({
        method: options.method,
        url,
        headers,
        body: options.body,
        signal: options.signal,
        timeoutMs: timeout,
        timeoutError: () =>
          new TimeoutError(`Request to ${stripQuery(url)} timed out after ${timeout} ms`, {
            requestMayHaveBeenSent: true,
            systemCode: "ETIMEDOUT",
            cause: Object.assign(new Error(`no complete answer within ${timeout} ms`), { code: "ETIMEDOUT" }),
          }),
        maxBodyBytes: this.maxBodyBytes,
        stream: options.stream,
        bodySignal: options.signal,
      });
      return {
        status: res.status,
        headers: res.headers,
        body: res.body,
        ...(res.stream ? { stream: res.stream } : {}),
        intuitTid: res.headers["intuit_tid"],
        date: res.headers["date"],
        attempts: attempt,
      };
    } catch (err) {
      if (options.signal?.aborted) throw callerAbort(options.signal);
      if (err instanceof NetworkError) throw err;
      throw new NetworkError(`Network error: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
        requestMayHaveBeenSent: true,
      });
    }
  }
}

// RFC 9110 token characters for names; values may hold tab, visible ASCII and obs-text, never CR, LF or NUL.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Whether `value` can be sent as a header value. */
export function isValidHeaderValue(value: string): boolean {
  return typeof value === "string" && HEADER_VALUE.test(value);
}

/** Throws a ConfigurationError naming the first bad header; never quoting its value. */
export function assertValidHeaders(headers: Record<string, string>): void {
  for (const name in headers) {
    if (!HEADER_NAME.test(name))
      throw new ConfigurationError(
        `header name ${JSON.stringify(name.replace(/[^\x21-\x7e]/g, "?").slice(0, 40))} is not a valid HTTP token`,
      );
    if (!isValidHeaderValue(headers[name] as string))
      throw new ConfigurationError(
        `header "${name}" has characters a header value cannot hold (CR, LF, NUL or non-Latin-1)`,
      );
  }
}

/** A copy of `h` with lower-case header names. */
export function lowerKeys(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h) for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

/** A URL without its query, for logs and messages. */
export function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i === -1 ? url : url.slice(0, i);
}
