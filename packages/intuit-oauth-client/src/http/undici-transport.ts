// A transport over `undici` (an optional peer dependency, loaded only by `intuit-oauth-client/undici`),
// for apps that want its lower cost per request: keep-alive pools owned by the transport, the same
// contract as node-transport.ts (whole-answer deadline, largest body, no redirects, TLS verified,
// the caller's abort, streamed 2xx bodies). It uses undici's dispatch API directly: no Response
// object, no AbortController, one shared deadline timer (deadlines.ts).
import { Agent, type Dispatcher } from "undici";
import { deadline } from "./deadlines.js";
import {
  isSuccess,
  networkError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "./transport.js";

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /**
   * The dispatcher to send through, e.g. an undici `ProxyAgent` or `EnvHttpProxyAgent` for a proxy
   * (this transport reads no proxy variables itself). Default: an `Agent` of the transport's own,
   * made on first use. A dispatcher you pass is yours to close.
   */
  dispatcher?: Dispatcher;
}

/** A transport that owns its connections, plus `close()` to end them. */
export interface UndiciTransport extends Transport {
  /** Closes the transport's own agent (not a dispatcher passed in). */
  close(): Promise<void>;
}

// Parsed request targets by URL string, as in node-transport.ts (a pure computation, bounded).
const targets = new Map<string, { origin: string; path: string }>();

function targetOf(url: string): { origin: string; path: string } {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    t = { origin: u.origin, path: u.pathname + u.search };
    if (targets.size >= 512) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/**
 * A {@link Transport} over undici. Pass it as the `transport` of an AuthClient's or TokenManager's
 * HTTP options (see docs/api.md); its connections are its own, like the default transport's.
 *
 * @example
 * import { createUndiciTransport } from "intuit-oauth-client/undici";
 * const transport = createUndiciTransport();
 * const authClient = new AuthClient({ clientId, clientSecret, environment, redirectUri, transport });
 */
export function createUndiciTransport(options: UndiciTransportOptions = {}): UndiciTransport {
  let own: Agent | undefined;
  const dispatcherOf = (): Dispatcher =>
    options.dispatcher ?? (own ??= new Agent({ keepAliveTimeout: 4_000, pipelining: 1 }));
  const transport = ((request: TransportRequest) => send(request, dispatcherOf())) as UndiciTransport;
  transport.close = async () => {
    const agent = own;
    own = undefined;
    await agent?.close();
  };
  return transport;
}

function headersOf(raw: Buffer[] | string[] | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = String(raw[i]).toLowerCase();
    const value = String(raw[i + 1]);
    const seen = out[name];
    out[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return out;
}

function send(request: TransportRequest, dispatcher: Dispatcher): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const { signal } = request;
    if (signal?.aborted) return reject(signal.reason);
    let target: { origin: string; path: string };
    try {
      target = targetOf(request.url);
    } catch (err) {
      return reject(networkError(err, false));
    }
    let settled = false;
    let sent = false;
    let timedOut = false;
    let intuitTid: string | undefined;
    let abort: ((reason?: Error) => void) | undefined;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let resume: (() => void) | undefined;

    const cancelDeadline = deadline(request.timeoutMs, () => {
      timedOut = true;
      stop(request.timeoutError());
    });
    const cleanUp = () => {
      settled = true;
      cancelDeadline();
      signal?.removeEventListener("abort", onAbort);
    };
    const fail = (reason: unknown) => {
      if (settled) return;
      cleanUp();
      reject(reason);
    };
    // Stops the request; the dispatcher then calls onError, which reports `reason`.
    const stop = (reason: Error) => {
      if (abort) abort(reason);
      else fail(reason);
    };
    const onAbort = () => stop(signal?.reason as Error);

    const handler: Dispatcher.DispatchHandler = {
      onConnect(abortRequest) {
        abort = abortRequest;
        sent = true;
      },
      onHeaders(statusCode, rawHeaders, resumeBody) {
        status = statusCode;
        headers = headersOf(rawHeaders as unknown as Buffer[]);
        intuitTid = headers["intuit_tid"];
        if (request.stream && isSuccess(statusCode)) {
          cleanUp();
          resume = resumeBody;
          const stream = new ReadableStream<Uint8Array>({
            start: (c) => {
              controller = c;
            },
            pull: () => resume?.(),
            cancel: (reason) => abort?.(reason instanceof Error ? reason : new Error("body cancelled")),
          });
          const { bodySignal } = request;
          const onBodyAbort = () => abort?.(bodySignal?.reason as Error);
          if (bodySignal?.aborted) onBodyAbort();
          else bodySignal?.addEventListener("abort", onBodyAbort, { once: true });
          resolve({ status, headers, body: Buffer.alloc(0), stream });
        }
        return true;
      },
      onData(chunk) {
        if (controller) {
          controller.enqueue(new Uint8Array(chunk));
          // Backpressure: undici pauses until pull() resumes it.
          return (controller.desiredSize ?? 1) > 0;
        }
        size += chunk.length;
        if (size > request.maxBodyBytes) {
          stop(new Error(`response body larger than ${request.maxBodyBytes} bytes`));
          return false;
        }
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        if (controller) {
          controller.close();
          return;
        }
        if (settled) return;
        cleanUp();
        resolve({
          status,
          headers,
          body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
        });
      },
      onError(err) {
        if (controller) {
          controller.error(err);
          return;
        }
        if (timedOut) return fail(request.timeoutError());
        if (signal?.aborted) return fail(signal.reason);
        fail(networkError(err, sent && !isNotSent(err), intuitTid));
      },
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body === undefined ? null : request.body,
          headersTimeout: request.timeoutMs,
          bodyTimeout: request.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      // undici throws synchronously on a header it cannot send; nothing went out.
      fail(networkError(err, false));
    }
  });
}

// Errors undici raises before a byte of the request is written.
function isNotSent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_INVALID_ARG";
}
