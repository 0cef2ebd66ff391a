// Proxies for the node:http transport, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY: reading and
// matching those variables, and an https Agent that reaches its targets through an HTTP CONNECT
// tunnel (TLS stays end to end). A CONNECT carries only the target's host and port and the
// proxy's own credentials; proxy credentials never appear in an error, a log or a display string.
import http from "node:http";
import https from "node:https";
import net, { BlockList, isIP } from "node:net";
import type { Duplex } from "node:stream";

/** A proxy from the environment. */
export interface ProxyEndpoint {
  /** The proxy without credentials, for messages: `http://proxy.example:3128`. */
  readonly display: string;
  readonly hostname: string;
  readonly port: number;
  /** `Basic …` from the URL's user and password, sent to the proxy only. */
  readonly authorization: string | undefined;
  /** Why this proxy cannot be used; the requests that would go through it fail with this. */
  readonly problem: string | undefined;
}

/** The first of two variables that is set to something other than blanks, trimmed. */
function first(a: string | undefined, b: string | undefined): string | undefined {
  if (a !== undefined && a.trim() !== "") return a.trim();
  return b !== undefined && b.trim() !== "" ? b.trim() : undefined;
}

/** Parses a proxy URL (`http://user:pass@host:port`, or `host:port`). Never echoes the value. */
export function parseProxyUrl(value: string, variable: string): ProxyEndpoint {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    return broken(`${variable} is not a proxy URL`, `(${variable})`);
  }
  const display = `${url.protocol}//${url.host}`;
  if (url.protocol !== "http:")
    return broken(`${variable} uses ${url.protocol}; only http:// proxies are supported`, display);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  let authorization: string | undefined;
  if (url.username || url.password) {
    try {
      const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      authorization = `Basic ${Buffer.from(user, "utf8").toString("base64")}`;
    } catch {
      return broken(`${variable} has a badly escaped user or password`, display);
    }
  }
  return { display, hostname, port: Number(url.port || 80), authorization, problem: undefined };
}

function broken(problem: string, display: string): ProxyEndpoint {
  return { display, hostname: "", port: 0, authorization: undefined, problem };
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: never proxied, so the emulator and tests stay local. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/**
 * A `NO_PROXY` matcher, as curl reads it: comma- or space-separated entries; `*` matches every
 * host; `example.com` (or `.example.com`, `*.example.com`) matches that host and its subdomains;
 * an IP address matches itself, and `10.0.0.0/8` or `fd00::/8` a range (IP literals only: names
 * are not resolved); `host:port` only that port. Case-insensitive.
 */
export function parseNoProxy(value: string | undefined): (hostname: string, port: number) => boolean {
  const entries = (value ?? "")
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean);
  if (entries.includes("*")) return () => true;
  const ranges = new BlockList();
  const names: Array<{ name: string; port: number | undefined }> = [];
  for (const entry of entries) {
    const slash = entry.indexOf("/");
    if (slash !== -1) {
      const address = entry.slice(0, slash).replace(/^\[|\]$/g, "");
      const bits = Number(entry.slice(slash + 1));
      const family = isIP(address);
      if (family !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= (family === 4 ? 32 : 128))
        ranges.addSubnet(address, bits, family === 4 ? "ipv4" : "ipv6");
      continue;
    }
    // [::1]:8080, ::1 (bare IPv6 takes no port), host:443, host
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      names.push({ name: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : undefined });
      continue;
    }
    if (isIP(entry) === 6) {
      names.push({ name: entry, port: undefined });
      continue;
    }
    const withPort = /^(.*):(\d+)$/.exec(entry);
    const name = (withPort ? withPort[1]! : entry).replace(/^\*?\./, "");
    if (name !== "") names.push({ name, port: withPort ? Number(withPort[2]) : undefined });
  }
  return (hostname, port) => {
    const host = hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, "")
      .replace(/\.$/, "");
    const family = isIP(host);
    if (family !== 0 && ranges.check(host, family === 4 ? "ipv4" : "ipv6")) return true;
    return names.some(
      (n) =>
        (n.port === undefined || n.port === port) &&
        (host === n.name || (family === 0 && host.endsWith(`.${n.name}`))),
    );
  };
}

// Parsed once per distinct value: the variables are read on every request, parsed only on change.
// Caches of pure computations (a value always parses the same), bounded, so they may be process-wide.
const endpoints = new Map<string, ProxyEndpoint>();
let noProxyCache: { value: string | undefined; matches: (hostname: string, port: number) => boolean } = {
  value: undefined,
  matches: () => false,
};

function endpoint(value: string, variable: string): ProxyEndpoint {
  const key = `${variable}\n${value}`;
  let parsed = endpoints.get(key);
  if (!parsed) {
    if (endpoints.size >= 16) endpoints.clear();
    parsed = parseProxyUrl(value, variable);
    endpoints.set(key, parsed);
  }
  return parsed;
}

/**
 * The proxy for a target according to `env` (default `process.env`, read on every call), or
 * undefined to connect directly. https targets use `https_proxy` / `HTTPS_PROXY`, http targets
 * `http_proxy` / `HTTP_PROXY` (lower case wins, as in curl; `HTTP_PROXY` is ignored when
 * `REQUEST_METHOD` is set, since a CGI server may have filled it from a request's `Proxy` header).
 * Loopback hosts and those `no_proxy` / `NO_PROXY` lists go direct.
 */
export function proxyFor(
  target: { protocol: string; hostname: string; port: string },
  env: NodeJS.ProcessEnv = process.env,
): ProxyEndpoint | undefined {
  // Loopback first: it is decided without reading the environment (a getter call per variable).
  const hostname = target.hostname.toLowerCase();
  if (isLoopback(hostname)) return undefined;
  const secure = target.protocol === "https:";
  const value = secure
    ? first(env["https_proxy"], env["HTTPS_PROXY"])
    : first(env["http_proxy"], env["REQUEST_METHOD"] ? undefined : env["HTTP_PROXY"]);
  if (value === undefined) return undefined;
  const noProxy = first(env["no_proxy"], env["NO_PROXY"]);
  if (noProxyCache.value !== noProxy) noProxyCache = { value: noProxy, matches: parseNoProxy(noProxy) };
  if (noProxyCache.matches(hostname, Number(target.port || (secure ? 443 : 80)))) return undefined;
  return endpoint(value, secure ? "HTTPS_PROXY" : "HTTP_PROXY");
}

/**
 * How every agent of the transport keeps connections: alive, most recent first, until the server
 * closes them. (No idle timeout of our own: a socket timeout re-arms a timer on every request,
 * measurable on the refresh path, and idle sockets are unreferenced, so they never hold a process.)
 */
export const KEEP_ALIVE: http.AgentOptions = Object.freeze({
  keepAlive: true,
  keepAliveMsecs: 1000,
  scheduling: "lifo",
});

/** Options our Agent reads besides the usual ones: the caller's signal and time for the tunnel. */
const TUNNEL = Symbol("intuit-oauth-client.tunnel");
interface TunnelControl {
  signal: AbortSignal | undefined;
  timeoutMs: number;
}
type TunnelRequestOptions = https.RequestOptions & { [TUNNEL]?: TunnelControl };

function tunnelError(message: string, code: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { code });
}

const MAX_CONNECT_RESPONSE = 16 * 1024;

/**
 * Opens a CONNECT tunnel to `host:port` through the proxy and resolves with the raw socket, ready
 * for TLS. Sends only the request line, `Host` and (when the proxy URL has credentials)
 * `Proxy-Authorization`. Rejects when the proxy refuses, closes, errs, or `control` says stop.
 */
export function openTunnel(
  proxy: ProxyEndpoint,
  host: string,
  port: number,
  control: TunnelControl,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
    const { signal } = control;
    if (signal?.aborted) return reject(signal.reason);
    const socket = net.connect({ host: proxy.hostname, port: proxy.port });
    let answer = Buffer.alloc(0);
    let connected = false;
    const done = (err: unknown) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
      socket.off("connect", onConnect);
      if (err === undefined) return;
      socket.destroy();
      reject(err);
    };
    const onAbort = () => done(signal?.reason);
    const timer = setTimeout(
      () =>
        done(
          tunnelError(
            `The proxy ${proxy.display} did not open a tunnel to ${authority} in time`,
            "ETIMEDOUT",
          ),
        ),
      control.timeoutMs,
    );
    const onConnect = () => {
      connected = true;
      const auth = proxy.authorization ? `Proxy-Authorization: ${proxy.authorization}\r\n` : "";
      socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
    };
    const onError = (err: NodeJS.ErrnoException) =>
      done(
        tunnelError(
          `${connected ? "Lost" : "Cannot reach"} the proxy ${proxy.display}: ${err.message}`,
          err.code ?? "ECONNRESET",
          err,
        ),
      );
    const onClose = () =>
      done(
        tunnelError(`The proxy ${proxy.display} closed the connection before opening a tunnel`, "ECONNRESET"),
      );
    const onData = (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      const end = answer.indexOf("\r\n\r\n");
      if (end === -1) {
        if (answer.length > MAX_CONNECT_RESPONSE)
          done(tunnelError(`The proxy ${proxy.display} sent an oversized answer to CONNECT`, "EPROTO"));
        return;
      }
      const statusLine = answer.subarray(0, answer.indexOf("\r\n")).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!status)
        return done(
          tunnelError(`The proxy ${proxy.display} answered CONNECT with something not HTTP`, "EPROTO"),
        );
      const code = Number(status[1]);
      if (code < 200 || code > 299) {
        const reason = (status[2] ?? "").replace(/[^\x20-\x7e]/g, "").slice(0, 80);
        return done(
          tunnelError(
            `The proxy ${proxy.display} refused the tunnel to ${authority}: HTTP ${code}${reason ? ` ${reason}` : ""}`,
            code === 407 ? "EPROXYAUTH" : "EPROXY",
          ),
        );
      }
      done(undefined);
      const rest = answer.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    socket.on("connect", onConnect);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * An https Agent whose connections are CONNECT tunnels through one proxy, then TLS to the target
 * (with the certificate checks and session reuse of `https.Agent`). Keeps tunnels alive like the
 * transport's own agents.
 */
export class TunnelAgent extends https.Agent {
  readonly proxy: ProxyEndpoint;

  constructor(proxy: ProxyEndpoint, options: https.AgentOptions = {}) {
    // spread-ok: once per proxy agent
    super({ ...KEEP_ALIVE, ...options });
    this.proxy = proxy;
  }

  override createConnection(
    options: TunnelRequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const reply = callback ?? (() => {});
    const control = options[TUNNEL] ?? { signal: undefined, timeoutMs: 30_000 };
    if (this.proxy.problem) {
      const problem = tunnelError(this.proxy.problem, "EPROXYCONFIG");
      process.nextTick(() => reply(problem, undefined as unknown as Duplex));
      return undefined;
    }
    const host = String(options.host ?? options.hostname ?? "localhost").replace(/^\[|\]$/g, "");
    const port = Number(options.port ?? 443);
    openTunnel(this.proxy, host, port, control).then(
      (socket) =>
        // spread-ok: once per tunnel, not per request
        reply(null, super.createConnection({ ...options, socket } as https.RequestOptions) as Duplex),
      (err: Error) => reply(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/**
 * The proxy agents of one transport (one HttpClient): a tunnel agent per proxy and credentials, and
 * one forward agent for http targets. At most 16 proxies are kept; the oldest is closed first.
 */
export class ProxyAgents {
  readonly #tunnels = new Map<string, TunnelAgent>();
  #forward: http.Agent | undefined;

  /** The tunnel agent of `proxy`, made on first use. */
  tunnel(proxy: ProxyEndpoint): TunnelAgent {
    const key = `${proxy.display}\n${proxy.authorization ?? ""}\n${proxy.problem ?? ""}`;
    let agent = this.#tunnels.get(key);
    if (!agent) {
      if (this.#tunnels.size >= 16) {
        const [oldestKey, oldest] = this.#tunnels.entries().next().value as [string, TunnelAgent];
        this.#tunnels.delete(oldestKey);
        oldest.destroy();
      }
      agent = new TunnelAgent(proxy);
      this.#tunnels.set(key, agent);
    }
    return agent;
  }

  /** The agent for http requests sent to a forward proxy. */
  get forward(): http.Agent {
    return (this.#forward ??= new http.Agent(KEEP_ALIVE));
  }
}

/** An http Agent that fails every connection with the proxy's problem. */
class BrokenProxyAgent extends http.Agent {
  constructor(private readonly problem: string) {
    super();
  }
  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const err = tunnelError(this.problem, "EPROXYCONFIG");
    process.nextTick(() => callback?.(err, undefined as unknown as Duplex));
    return undefined;
  }
}

/** The request options the transport builds: a target, a method, headers and its own agent. */
export interface DirectRequestOptions {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  agent: http.Agent;
}

/**
 * The transport's request options, routed through the environment's proxy when one applies:
 * https targets through a CONNECT tunnel, http targets as an absolute-form request to the proxy.
 * Returns `options` itself when the request goes direct.
 */
export function routeThroughProxy(
  options: DirectRequestOptions,
  control: TunnelControl,
  agents: ProxyAgents,
): DirectRequestOptions | TunnelRequestOptions {
  const proxy = proxyFor(options);
  if (!proxy) return options;
  // spread-ok: proxied requests only, where the proxy round trip dwarfs it
  if (options.protocol === "https:") return { ...options, agent: agents.tunnel(proxy), [TUNNEL]: control };
  // spread-ok: a misconfigured proxy: the request fails at once
  if (proxy.problem) return { ...options, agent: new BrokenProxyAgent(proxy.problem) };
  const host = isIP(options.hostname) === 6 ? `[${options.hostname}]` : options.hostname;
  const authority = options.port ? `${host}:${options.port}` : host;
  // spread-ok: proxied requests only, where the proxy round trip dwarfs it (and its headers)
  return {
    ...options,
    hostname: proxy.hostname,
    port: String(proxy.port),
    path: `http://${authority}${options.path}`,
    // spread-ok: as above
    headers: {
      ...options.headers,
      host: authority,
      ...(proxy.authorization ? { "proxy-authorization": proxy.authorization } : {}),
    },
    agent: agents.forward,
  };
}
