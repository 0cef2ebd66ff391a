// The wire: one function type that sends a request and returns status, headers and the whole body.
// Two implementations: node:http(s) with keep-alive agents (the default on Node; through the
// environment's proxy when one is set, see proxy.ts), and any fetch.
// It knows nothing of OAuth, retries or errors from Intuit; it only reports network failures.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { NetworkError } from "./errors.js";
import { routeThroughProxy } from "./proxy.js";

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
  body: Buffer;
  /** The body, unread, when the request asked for a stream and the status is 2xx. */
  stream?: ReadableStream<Uint8Array>;
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** Sends one request. Rejects only with {@link NetworkError} (or the signal's reason). */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

/** A `fetch`-compatible function, for proxies, other runtimes and test doubles. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

const agents = {
  http: new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, scheduling: "lifo" }),
  https: new https.Agent({ keepAlive: true, keepAliveMsecs: 1000, scheduling: "lifo" }),
};

function headersOf(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function networkError(err: unknown, sent: boolean, intuitTid?: string): NetworkError {
  const systemCode = (err as { code?: unknown } | null)?.code;
  const code = typeof systemCode === "string" ? systemCode : undefined;
  const notSent = !sent || (code !== undefined && NOT_SENT_CODES.has(code));
  return new NetworkError(
    `Network error${code ? ` (${code})` : ""}: ${(err as Error)?.message ?? String(err)}${intuitTid ? `, intuit_tid ${intuitTid}` : ""}`,
    {
      cause: err,
      requestMayHaveBeenSent: !notSent,
      ...(code ? { systemCode: code } : {}),
      ...(intuitTid ? { intuitTid } : {}),
    },
  );
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}

// Parsed request targets by URL string: the same token endpoint is requested over and over.
const targets = new Map<string, Target>();
const MAX_TARGETS = 512;

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    // URL keeps IPv6 hosts in brackets; node:http wants them bare.
    const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    t = { protocol: u.protocol, hostname, port: u.port, path: u.pathname + u.search };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/** The default transport on Node: `node:http`/`node:https` with shared keep-alive agents. */
export const nodeTransport: Transport = (request) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const target = targetOf(request.url);
    const isHttps = target.protocol === "https:";
    const mod = isHttps ? https : http;
    const { signal } = request;
    let sent = false;
    let settled = false;
    // Set once the answer's headers arrive, so a body cut short still names Intuit's transaction.
    let intuitTid: string | undefined;
    let req: http.ClientRequest | undefined;
    // One plain timer, not an AbortController per request: this is the hot path of every call.
    const timer = setTimeout(() => {
      req?.destroy();
      finish(request.timeoutError());
    }, request.timeoutMs);
    const finish = (reason: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      reject(reason);
    };
    const fail = (err: unknown) =>
      finish(signal?.aborted ? signal.reason : networkError(err, sent, intuitTid));
    const onAbort = () => {
      req?.destroy();
      finish(signal?.reason);
    };
    const done = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined) headers["content-length"] = String(body.length);
    try {
      req = mod.request(
        // HTTPS_PROXY / HTTP_PROXY / NO_PROXY decide; with none of them set, these options go as they are.
        routeThroughProxy(
          { ...target, method: request.method, headers, agent: isHttps ? agents.https : agents.http },
          { signal, timeoutMs: request.timeoutMs },
        ),
        (res) => {
          const tid = res.headers["intuit_tid"];
          intuitTid = typeof tid === "string" ? tid : undefined;
          if (request.stream && isSuccess(res.statusCode ?? 0)) {
            done();
            const { bodySignal } = request;
            if (bodySignal?.aborted) res.destroy(bodySignal.reason as Error);
            const onBodyAbort = () => res.destroy(bodySignal?.reason as Error);
            bodySignal?.addEventListener("abort", onBodyAbort, { once: true });
            res.once("close", () => bodySignal?.removeEventListener("abort", onBodyAbort));
            const stream = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>;
            resolve({
              status: res.statusCode ?? 0,
              headers: headersOf(res.headers),
              body: Buffer.alloc(0),
              stream,
            });
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > request.maxBodyBytes) {
              req?.destroy();
              fail(new Error(`response body larger than ${request.maxBodyBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("error", fail);
          res.on("aborted", () => fail(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })));
          res.on("end", () => {
            if (!res.complete)
              return fail(Object.assign(new Error("response truncated"), { code: "ECONNRESET" }));
            if (settled) return;
            done();
            resolve({
              status: res.statusCode ?? 0,
              headers: headersOf(res.headers),
              body: Buffer.concat(chunks),
            });
          });
        },
      );
    } catch (err) {
      // http.request throws synchronously on a header it cannot send; nothing went out.
      return fail(err);
    }
    req.on("socket", (socket) => {
      // A reused keep-alive socket is already connected: the request may reach the server at once.
      if (!socket.connecting) sent = true;
      else socket.once("connect", () => (sent = true));
    });
    req.on("error", fail);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    req.end(body);
  });

/** A signal that fires when either does (AbortSignal.any, which Node gained in 20.3). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const both = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) both.abort(s.reason);
    else s.addEventListener("abort", () => both.abort(s.reason), { once: true });
  }
  return both.signal;
}

/** Wraps any `fetch` as a transport. Redirects are not followed: OAuth endpoints never redirect. */
export function fetchTransport(fetchFn: FetchLike): Transport {
  return async (request) => {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? eitherSignal(request.signal, timeout) : timeout;
    // The caller's abort wins over the timeout; either is reported as such, not as a network error.
    const aborted = () => {
      if (request.signal?.aborted) return request.signal.reason;
      if (timeout.aborted) return request.timeoutError();
      return undefined;
    };
    let res: Response;
    try {
      res = await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body as BodyInit | undefined,
        signal,
        redirect: "manual",
      });
    } catch (err) {
      if (signal.aborted) throw aborted();
      // fetch wraps system errors as TypeError("fetch failed") with the real error as cause.
      const cause = (err as { cause?: unknown } | null)?.cause ?? err;
      throw networkError(cause, true);
    }
    if (request.stream && isSuccess(res.status)) {
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      if (res.body) void res.body.pipeTo(writable, { signal: request.bodySignal }).catch(() => {});
      else void writable.close();
      return { status: res.status, headers, body: Buffer.alloc(0), stream: readable };
    }
    try {
      const buf = await readLimited(res, request.maxBodyBytes);
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      return { status: res.status, headers, body: buf };
    } catch (err) {
      if (signal.aborted) throw aborted();
      throw networkError((err as { cause?: unknown } | null)?.cause ?? err, true);
    }
  };
}

/** Reads a fetch body, stopping (and cancelling the stream) as soon as it passes `max` bytes. */
async function readLimited(res: Response, max: number): Promise<Buffer> {
  const tooLarge = () => new Error(`response body larger than ${max} bytes`);
  const declared = Number(res.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
