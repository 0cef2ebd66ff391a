// The default transport on Node: node:http/node:https with keep-alive agents that the transport
// (one per HttpClient) owns, through the environment's proxy when one is set (proxy.ts), with that
// transport's own tunnels. Node only; fetch-transport.ts serves the rest.
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { deadline } from "./deadlines.js";
import { isLoopback, KEEP_ALIVE, ProxyAgents, routeThroughProxy } from "./proxy.js";
import {
  isSuccess,
  networkError,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from "./transport.js";

/** The connections one transport owns: its keep-alive agents and its proxy agents. */
interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  readonly proxies: ProxyAgents;
}

function headersOf(raw: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  /** A loopback host never goes through a proxy: decided once per URL, not per request. */
  loopback: boolean;
}

// Parsed request targets by URL string: the same token endpoint is requested over and over. A cache
// of a pure computation (a URL string always parses the same), bounded, so it may be process-wide.
const targets = new Map<string, Target>();
const MAX_TARGETS = 512;

function targetOf(url: string): Target {
  let t = targets.get(url);
  if (!t) {
    const u = new URL(url);
    // URL keeps IPv6 hosts in brackets; node:http wants them bare.
    const hostname = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
    t = {
      protocol: u.protocol,
      hostname,
      port: u.port,
      path: u.pathname + u.search,
      loopback: isLoopback(hostname.toLowerCase()),
    };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, t);
  }
  return t;
}

/**
 * A transport over `node:http`/`node:https` with keep-alive agents and proxy tunnels of its own,
 * made on first use: two HttpClients never share a connection or a tunnel.
 */
export function createNodeTransport(): Transport {
  let agents: Agents | undefined;
  return (request) =>
    send(
      request,
      (agents ??= {
        http: new http.Agent(KEEP_ALIVE),
        https: new https.Agent(KEEP_ALIVE),
        proxies: new ProxyAgents(),
      }),
    );
}

function send(request: TransportRequest, agents: Agents): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const target = targetOf(request.url);
    const isHttps = target.protocol === "https:";
    const mod = isHttps ? https : http;
    const { signal } = request;
    let sent = false;
    let settled = false;
    // Set once the answer's headers arrive, so a body cut short still names Intuit's transaction.
    let intuitTid: string | undefined;
    let req: http.ClientRequest | undefined;
    // One shared deadline timer (deadlines.ts), not a setTimeout and an AbortController per request.
    const cancelDeadline = deadline(request.timeoutMs, () => {
      req?.destroy();
      finish(request.timeoutError());
    });
    const finish = (reason: unknown) => {
      if (settled) return;
      settled = true;
      cancelDeadline();
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
      cancelDeadline();
      signal?.removeEventListener("abort", onAbort);
    };
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    // A for-in copy and explicit literals, not spreads: in V8 11 (Node 20) `{ ...x, k: v }` takes a
    // slow path and gives every request's options a new hidden class, which makes node:http's own
    // inline caches (setHeader, _storeHeader) megamorphic. scripts/check-spreads.mjs keeps it so.
    const headers: Record<string, string> = {};
    for (const name in request.headers) headers[name] = request.headers[name] as string;
    if (body !== undefined) headers["content-length"] = String(body.length);
    const options = {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: request.method,
      headers,
      agent: isHttps ? agents.https : agents.http,
    };
    try {
      req = mod.request(
        // HTTPS_PROXY / HTTP_PROXY / NO_PROXY decide; loopback, and no proxy set, go as they are.
        target.loopback
          ? options
          : routeThroughProxy(options, { signal, timeoutMs: request.timeoutMs }, agents.proxies),
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
}
