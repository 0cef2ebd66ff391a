// The one request path: every HTTP call of the library (discovery, JWKS, tokens, userinfo, the
// QuickBooks API) goes through HttpClient.send, and its one loop retries as decideRetry says. It
// adds User-Agent and Accept, checks header values, enforces the timeout and captures intuit_tid.
// It never turns a status into an error: callers decide what a status means.
import { fromUtf8 } from "../common/bytes.js";
import { ConfigurationError } from "../common/errors.js";
import { toLogger, type Logger, type LoggerLike } from "../common/logger.js";
import { positiveInt, positiveMs } from "../common/options.js";
import { decideRetry, parseRetryAfter, retryPolicy, type RetryPolicy } from "../common/retry.js";
import { runtimeDescription } from "../common/runtime.js";
import { sleep, type Sleep } from "../common/sleep.js";
import { VERSION } from "../common/version.js";
import { createDefaultTransport } from "./default-transport.js";
import { AbortError, NetworkError, TimeoutError } from "./errors.js";
import { fetchTransport } from "./fetch-transport.js";
import type { FetchLike, Transport } from "./transport.js";

/** Options shared by everything that makes HTTP requests. */
export interface HttpOptions {
  /** Per-attempt timeout in ms. Default 30000. */
  timeoutMs?: number;
  /** Retry policy overrides. `false` disables retries. */
  retry?: Partial<RetryPolicy> | false;
  /** Use this fetch instead of the runtime's default transport (node:http on Node). */
  fetch?: FetchLike;
  /**
   * Send through this transport instead of the runtime's default, e.g. `createUndiciTransport()`
   * from `intuit-oauth-client/undici`. Not together with `fetch`.
   */
  transport?: Transport;
  /** A logger; receives no secrets. */
  logger?: LoggerLike;
  /** Appended to the User-Agent after the library's own identifier. */
  userAgent?: string;
  /** Largest response body accepted, in bytes. Default 64 MiB. */
  maxBodyBytes?: number;
}

/** How an attempt ended, as far as the server is concerned. */
export interface AttemptOutcome {
  /** False only when the request certainly never left this process (nothing reached the server). */
  sent: boolean;
}

/** What a caller's hook may add to one attempt: headers (a fresh Bearer token) and a release. */
export interface AttemptContext {
  headers?: Record<string, string>;
  /** Called once the attempt is over, whatever its outcome (a limiter slot), with that outcome. */
  release?: (outcome: AttemptOutcome) => void;
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
  /** Per-attempt timeout in ms. Default: the client's. */
  timeoutMs?: number | undefined;
  /** Overrides the client's retry policy for this request. */
  retry?: Partial<RetryPolicy> | false | undefined;
  /**
   * Resolve a 2xx answer as soon as its headers arrive, with the body in `stream` (other statuses
   * are buffered as usual). `timeoutMs` then covers only the wait for headers; `signal` still aborts the body.
   */
  stream?: boolean | undefined;
  /** Runs before each attempt; its headers are added to that attempt only. */
  beforeAttempt?: ((attempt: number) => Promise<AttemptContext | undefined>) | undefined;
  /**
   * Sees each answer before the retry policy. `"resend"` sends again at once without counting a
   * retry (the API helper after refreshing on a 401); at most once per call.
   */
  afterAnswer?:
    ((response: HttpResponse) => "resend" | undefined | Promise<"resend" | undefined>) | undefined;
  /** Told of each wait before a retry, and of its answer (the API helper pauses its realm on a 429). */
  onRetry?: ((waitMs: number, response: HttpResponse | undefined) => void) | undefined;
  /** Waits between attempts (tests move a fake clock). Default: a timer. */
  sleep?: Sleep | undefined;
  /** The clock for `Retry-After` dates. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** A complete answer, with Intuit's diagnostics pulled out. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The whole body; empty when {@link stream} is set. */
  body: Uint8Array;
  /** The unread body of a 2xx answer to a request sent with `stream: true`. */
  stream?: ReadableStream<Uint8Array>;
  intuitTid: string | undefined;
  date: string | undefined;
  /** How many attempts were made (1 = no retry). */
  attempts: number;
  /** For an answer the policy would have retried but for its `Retry-After`: the wait asked for, ms. */
  retryAfterMs?: number | undefined;
}

/** The body of an answer as text (UTF-8). */
export function bodyText(response: Pick<HttpResponse, "body">): string {
  return fromUtf8(response.body);
}

// An abort during the wait between attempts is the same typed AbortError as one mid-request.
function callerAbort(signal: AbortSignal | undefined): AbortError {
  return new AbortError("Request aborted by the caller", {
    requestMayHaveBeenSent: true,
    cause: signal?.reason,
  });
}

const BASE_USER_AGENT = `intuit-oauth-client/${VERSION} (${runtimeDescription()})`;
const timerSleep: Sleep = (ms, signal) => sleep(ms, signal, callerAbort);

/**
 * Sends requests for one client configuration. It owns its connections (keep-alive agents and proxy
 * tunnels on Node, made on first use): clients never share a socket, so make one and reuse it.
 */
export class HttpClient {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  readonly userAgent: string;
  private readonly transport: Transport;
  private readonly maxBodyBytes: number;
  /**
   * Whether a logger was given; without one, no log fields are built on the hot path, and the few
   * warnings that must never be silent go to `console.warn`.
   */
  readonly logging: boolean;

  constructor(options: HttpOptions = {}) {
    this.timeoutMs = positiveMs("timeoutMs", options.timeoutMs, 30_000);
    this.retry = retryPolicy(options.retry);
    this.logger = toLogger(options.logger);
    this.logging = options.logger !== undefined;
    if (options.userAgent !== undefined && !isValidHeaderValue(options.userAgent))
      throw new ConfigurationError(
        "userAgent has characters a header value cannot hold (CR, LF, NUL or non-Latin-1)",
      );
    this.userAgent = options.userAgent ? `${BASE_USER_AGENT} ${options.userAgent}` : BASE_USER_AGENT;
    if (options.fetch && options.transport) throw new ConfigurationError("pass fetch or transport, not both");
    if (options.transport !== undefined && typeof options.transport !== "function")
      throw new ConfigurationError("transport must be a function (a Transport)");
    this.transport =
      options.transport ?? (options.fetch ? fetchTransport(options.fetch) : createDefaultTransport());
    this.maxBodyBytes = positiveInt("maxBodyBytes", options.maxBodyBytes, 64 * 1024 * 1024);
  }

  /** Sends a request, retrying as the policy allows. Resolves with any HTTP status. */
  async send(options: SendOptions): Promise<HttpResponse> {
    const policy = this.#policy(options.retry);
    const timeoutMs = positiveMs("timeoutMs", options.timeoutMs, this.timeoutMs);
    // Explicit literals and for-in copies on this path, never `{ ...x, k: v }` (slow in Node 20's V8,
    // and a new hidden class per request; see node-transport.ts).
    const headers: Record<string, string> = { "user-agent": this.userAgent, accept: "application/json" };
    addLowerKeys(headers, options.headers);
    // Checked here, so a CR/LF in a token is a typed rejection instead of a throw from deep
    // inside http.request (or a fetch error that quotes the value).
    assertValidHeaders(headers);
    const wait = options.sleep ?? timerSleep;
    let resent = false;
    let retries = 0;
    for (let attempt = 1; ; attempt++) {
      const context = options.beforeAttempt ? await options.beforeAttempt(attempt) : undefined;
      const started = this.logging ? performance.now() : 0;
      let response: HttpResponse;
      let dispatched = false;
      try {
        let sent = headers;
        if (context?.headers) {
          // The base headers were checked once above; only what this attempt adds needs checking.
          const added = lowerKeys(context.headers);
          assertValidHeaders(added);
          sent = {};
          for (const name in headers) sent[name] = headers[name] as string;
          for (const name in added) sent[name] = added[name] as string;
        }
        dispatched = true;
        response = await this.attempt(options, sent, attempt, timeoutMs);
      } catch (err) {
        // A refused header value, or a connection that never opened, reached no server.
        context?.release?.({
          sent: dispatched && (!(err instanceof NetworkError) || err.requestMayHaveBeenSent),
        });
        if (this.logging)
          this.logger.debug(
            { method: options.method, url: stripQuery(options.url), attempt, error: (err as Error).name },
            "intuit-oauth-client request failed",
          );
        const failure = {
          retryable: err instanceof NetworkError && !(err instanceof AbortError),
          requestMayHaveBeenSent: !(err instanceof NetworkError) || err.requestMayHaveBeenSent,
        };
        const decision = decideRetry({ failure }, policy, options.idempotent, retries + 1);
        if (!decision.retry) throw err;
        retries++;
        options.onRetry?.(decision.afterMs, undefined);
        await wait(decision.afterMs, options.signal);
        continue;
      }
      context?.release?.({ sent: true });
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
      if (options.afterAnswer && !resent) {
        // Usually a plain answer; a promise only when the hook has work to do (a refresh).
        const verdict = options.afterAnswer(response);
        if ((verdict === undefined ? undefined : await verdict) === "resend") {
          resent = true;
          continue;
        }
      }
      const retryAfterMs = parseRetryAfter(response.headers["retry-after"], (options.clock ?? Date.now)());
      const decision = decideRetry(
        { status: response.status, retryAfterMs },
        policy,
        options.idempotent,
        retries + 1,
      );
      if (!decision.retry) {
        if (decision.retryAfterMs !== undefined) response.retryAfterMs = decision.retryAfterMs;
        return response;
      }
      retries++;
      options.onRetry?.(decision.afterMs, response);
      await wait(decision.afterMs, options.signal);
    }
  }

  // A caller passing the same overrides on every call (the API helper) merges them once.
  readonly #merged = new WeakMap<Partial<RetryPolicy>, RetryPolicy>();
  #noRetries: RetryPolicy | undefined;
  #policy(retry: Partial<RetryPolicy> | false | undefined): RetryPolicy {
    if (retry === undefined) return this.retry;
    if (retry === false) return (this.#noRetries ??= retryPolicy({ retries: 0 }, this.retry));
    let merged = this.#merged.get(retry);
    if (!merged) this.#merged.set(retry, (merged = retryPolicy(retry, this.retry)));
    return merged;
  }

  private async attempt(
    options: SendOptions,
    headers: Record<string, string>,
    attempt: number,
    timeout: number,
  ): Promise<HttpResponse> {
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
      const response: HttpResponse = {
        status: res.status,
        headers: res.headers,
        body: res.body,
        intuitTid: res.headers["intuit_tid"],
        date: res.headers["date"],
        attempts: attempt,
      };
      if (res.stream) response.stream = res.stream;
      return response;
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

// Header values seen valid lately (User-Agent, content types, each realm's Bearer token): a Set
// lookup instead of a regex over a ~1 KB token on every request. A set, not the last value, so
// requests that alternate between realms still hit; cleared when full, so it stays small.
const recentValid = new Set<string>();
const MAX_RECENT_VALID = 64;

/** Whether `value` can be sent as a header value. */
export function isValidHeaderValue(value: string): boolean {
  if (typeof value !== "string") return false;
  if (recentValid.has(value)) return true;
  if (!HEADER_VALUE.test(value)) return false;
  if (recentValid.size >= MAX_RECENT_VALID) recentValid.clear();
  recentValid.add(value);
  return true;
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
  addLowerKeys(out, h);
  return out;
}

/** Copies `h` into `out` with lower-case names (later names win, as in a spread). */
export function addLowerKeys(out: Record<string, string>, h: Record<string, string> | undefined): void {
  if (h) for (const k in h) if (Object.hasOwn(h, k)) out[k.toLowerCase()] = h[k] as string;
}

/** A URL without its query, for logs and messages. */
export function stripQuery(url: string): string {
  const i = url.indexOf("?");
  return i === -1 ? url : url.slice(0, i);
}
