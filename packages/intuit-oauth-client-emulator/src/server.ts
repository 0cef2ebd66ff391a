// startEmulator: the HTTP server, routing, fault playing, the per-request envelope and the test controls.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { admin, adminGuard } from "./admin.js";
import { authorize, consentDecision } from "./authorize.js";
import { Clock } from "./clock.js";
import { testControls } from "./controls.js";
import type { EmulatorContext } from "./context.js";
import { FaultQueue, replacingReply, spoiledReply } from "./faults.js";
import { SigningKeys } from "./keys.js";
import { migrate } from "./migrate.js";
import { DISCOVERY_PATHS, discovery, jwks, revoke, token, userinfo } from "./oauth.js";
import { requestedFormat } from "./qbo-xml.js";
import { quickbooksApi } from "./quickbooks.js";
import { RequestReplay } from "./qbo-replay.js";
import { download, DOWNLOAD_PREFIX, MAX_UPLOAD_BYTES } from "./qbo-upload.js";
import { errorPage, jsonReply, newIntuitTid, type EmulatorRequest, type Reply } from "./reply.js";
import { resolveSettings } from "./settings.js";
import { EmulatorState } from "./state.js";
import { ENDPOINT_NAMES, type Emulator, type EmulatorOptions, type EndpointName } from "./types.js";

const MAX_BODY_BYTES = 1024 * 1024;

interface Route {
  endpoint?: EndpointName;
  run: (req: EmulatorRequest) => Reply | Promise<Reply>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new BodyTooLarge());
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}

/**
 * Start the offline Intuit OAuth/OpenID and QuickBooks emulator on 127.0.0.1.
 *
 * @example
 * const emu = await startEmulator({ port: 0, autoApprove: true });
 * const res = await fetch(emu.discoveryUrl);
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = resolveSettings(options);
  const state = new EmulatorState(options.persistPath);
  const loaded = state.load();
  const clock = new Clock(loaded?.clockOffsetMs ?? 0);
  const keys = new SigningKeys(loaded?.keys);
  const closing = new AbortController();
  const ctx: EmulatorContext = {
    settings,
    state,
    clock,
    keys,
    faults: new FaultQueue(),
    replay: new RequestReplay(),
    url: "",
    issuer: settings.issuer,
    startedAt: clock.now(),
    traffic: new Map(),
    total: { inFlight: 0, maxInFlight: 0 },
    closing: closing.signal,
  };
  const counters = Object.fromEntries(ENDPOINT_NAMES.map((n) => [n, 0])) as Record<EndpointName, number>;
  const persist = (force = false) =>
    state.flush(() => ({ clockOffsetMs: clock.offsetMs, keys: keys.save() }), force);

  const routes = new Map<string, Route>();
  for (const path of DISCOVERY_PATHS)
    routes.set(`GET ${path}`, { endpoint: "discovery", run: () => discovery(ctx) });
  routes.set("GET /connect/oauth2", { endpoint: "authorize", run: (r) => authorize(ctx, r) });
  routes.set("POST /connect/oauth2/consent", { endpoint: "authorize", run: (r) => consentDecision(ctx, r) });
  routes.set("POST /oauth2/v1/tokens/bearer", { endpoint: "token", run: (r) => token(ctx, r) });
  routes.set("POST /v2/oauth2/tokens/revoke", { endpoint: "revoke", run: (r) => revoke(ctx, r) });
  routes.set("GET /v1/openid_connect/userinfo", { endpoint: "userinfo", run: (r) => userinfo(ctx, r) });
  routes.set("GET /op/v1/jwks", { endpoint: "jwks", run: () => jwks(ctx) });
  routes.set("POST /v2/oauth2/tokens/migrate", { endpoint: "migrate", run: (r) => migrate(ctx, r) });
  const knownPaths = new Set([...routes.keys()].map((k) => k.slice(k.indexOf(" ") + 1)));

  function findRoute(method: string, pathname: string): Route | Reply {
    const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
    if (path.startsWith("/v3/")) return { endpoint: "api", run: (r) => quickbooksApi(ctx, r) };
    // An attachment's TempDownloadUri: signed, no Bearer token (production's is on another host).
    if (method === "GET" && path.startsWith(DOWNLOAD_PREFIX)) return { run: (r) => download(ctx, r) };
    if (path.startsWith("/__admin/") && settings.admin) {
      return {
        run: async (r) =>
          adminGuard(r, port) ?? (await admin(r, emulator)) ?? jsonReply(404, { error: "not_found" }),
      };
    }
    const route = routes.get(`${method} ${path}`);
    if (route) return route;
    if (knownPaths.has(path)) return jsonReply(405, { error: "method_not_allowed" });
    return jsonReply(404, { error: "not_found" });
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    reply: Reply,
    tid: string,
    truncate: boolean,
  ): void {
    const body = typeof reply.body === "string" ? Buffer.from(reply.body, "utf8") : reply.body;
    const length = truncate ? Math.max(body.length, 64) : body.length;
    const headers = [
      ...reply.headers,
      ["intuit_tid", tid],
      ["date", new Date(clock.now()).toUTCString()],
      ["content-length", String(length)],
    ];
    res.sendDate = false;
    res.writeHead(reply.status, headers.flat());
    if (truncate) res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.end());
    else res.end(body);
    settings.logger?.info(`${req.method ?? "GET"} ${(req.url ?? "/").split("?")[0]} ${reply.status}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tid = newIntuitTid(clock.now());
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://127.0.0.1");
    } catch {
      return send(req, res, errorPage(400, "Bad Request", "Malformed request target."), tid, false);
    }
    const method = req.method ?? "GET";
    const found = findRoute(method, url.pathname);
    if (!("run" in found)) return send(req, res, found, tid, false);
    const { endpoint } = found;
    if (endpoint) counters[endpoint] += 1;
    const fault = endpoint ? ctx.faults.take(endpoint) : undefined;
    if (fault?.type === "resetBeforeRead") {
      req.socket.destroy();
      return;
    }
    if (fault?.type === "delay") await sleep(fault.ms, undefined, { signal: closing.signal });
    const replacing =
      endpoint && fault
        ? replacingReply(endpoint, fault, clock.now(), {
            requested: requestedFormat(
              { method, url, headers: req.headers, body: Buffer.alloc(0) },
              settings.apiDefaultFormat,
            ),
            throttle: settings.throttleFormat,
          })
        : undefined;
    if (replacing) return send(req, res, replacing, tid, false);
    const body = await readBody(
      req,
      /^\/v3\/company\/[^/]+\/upload\/?$/.test(url.pathname) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES,
    );
    let reply = await found.run({ method, url, headers: req.headers, body });
    persist();
    if (fault?.type === "resetAfterRead") {
      req.socket.destroy();
      return;
    }
    if (fault) reply = spoiledReply(fault, reply);
    send(req, res, reply, tid, fault?.type === "truncatedBody");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (closing.signal.aborted || res.headersSent) {
        req.socket.destroy();
        return;
      }
      const tid = newIntuitTid(clock.now());
      if (err instanceof BodyTooLarge) {
        send(req, res, errorPage(413, "Payload Too Large", "Request body too large."), tid, false);
        return;
      }
      send(req, res, errorPage(500, "Internal Server Error", "The emulator failed."), tid, false);
      settings.logger?.info(`emulator error: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4010, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  ctx.url = `http://127.0.0.1:${port}`;
  if (settings.issuer === "self") ctx.issuer = ctx.url;
  persist(true);

  const first = settings.clients[0];
  const emulator: Emulator = {
    url: ctx.url,
    port,
    discoveryUrl: `${ctx.url}/.well-known/openid-configuration`,
    issuer: ctx.issuer,
    defaultClient: {
      clientId: first?.clientId ?? "",
      clientSecret: first?.clientSecret ?? "",
      redirectUri: first?.redirectUris[0] ?? "",
      redirectUris: [...(first?.redirectUris ?? [])],
      appName: first?.appName ?? "",
    },
    companies: settings.companies.map((c) => ({ ...c })),
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        persist();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
    ...testControls(ctx, counters, persist),
  };
  return emulator;
}
