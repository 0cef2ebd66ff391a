// A small fake of Intuit's OAuth endpoints for the core's tests: a real node:http server on
// 127.0.0.1 that records every request and answers from per-path handlers the test sets.
// It also serves a discovery document and a JWKS built from RSA keys generated here.
// Deliberately dumb: it judges nothing, so tests assert on what it recorded.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from "jose";
import type { AuthClientOptions } from "../../src/index.js";
import { createUndiciTransport } from "../../src/undici.js";

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Path with the query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Raw header list, names in the case and order they were sent. */
  rawHeaders: string[];
  body: string;
  /** Client port of the connection, to tell reused keep-alive sockets from new ones. */
  remotePort: number | undefined;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Never answer (the socket stays open until the server closes). */
  hang?: boolean;
  /** Destroy the socket after reading the request, without answering. */
  destroy?: boolean;
}

export type Handler = (req: RecordedRequest, n: number) => Reply | Promise<Reply>;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export const CLIENT_ID = "ABtestclientid0123456789";
export const CLIENT_SECRET = "s3cr3t-CLIENT-SECRET-value";
export const REDIRECT_URI = "https://app.example.com/callback";
export const DEFAULT_TID = "1-628f0be4-19ed5ea63980105102b16b1e";
export const DEFAULT_DATE = "Thu, 30 Sep 2021 17:11:08 GMT";
/** The `sub` of the fake's ID tokens and userinfo. */
export const DEFAULT_SUB = "2b5d2a86-0f1f-4f4b-9d43-6f5e5b0c7a11";

/** The platform reference's §4.2 token response, with overridable values. */
export function tokenBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    expires_in: 3600,
    token_type: "bearer",
    x_refresh_token_expires_in: 8726400,
    refresh_token: "RT1-39-H3-refresh-token-value",
    access_token: "eyJ-access-token-value",
    ...extra,
  };
}

export async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: "RS256" };
  return { kid, privateKey, publicJwk };
}

export class FakeIntuit {
  readonly url: string;
  readonly issuer: string;
  readonly requests: RecordedRequest[] = [];
  /** Keys published in the JWKS. The first one signs by default. */
  keys: SigningKey[];
  private readonly handlers = new Map<string, Handler>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  constructor(server: Server, keys: SigningKey[]) {
    this.server = server;
    this.keys = keys;
    const { port } = server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.issuer = `${this.url}/op/v1`;
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    this.on("/.well-known/openid-configuration", () => ({ body: this.discoveryDocument() }));
    this.on("/jwks", () => ({ body: { keys: this.keys.map((k) => k.publicJwk) } }));
    this.on("/token", () => ({ body: tokenBody() }));
    this.on("/revoke", () => ({ body: "" }));
    this.on("/userinfo", () => ({ body: { sub: DEFAULT_SUB } }));
    this.on("/migrate", () => ({ body: { ...tokenBody(), realmId: "4620816365" } }));
  }

  /** The discovery document this server publishes. */
  discoveryDocument(): Record<string, unknown> {
    const e = this.endpoints();
    return {
      issuer: e.issuer,
      authorization_endpoint: e.authorizationEndpoint,
      token_endpoint: e.tokenEndpoint,
      userinfo_endpoint: e.userinfoEndpoint,
      revocation_endpoint: e.revocationEndpoint,
      jwks_uri: e.jwksUri,
      migration_endpoint: e.migrationEndpoint,
      response_types_supported: ["code"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }

  /** An endpoint object for `new AuthClient({ environment })`. */
  endpoints() {
    return {
      issuer: this.issuer,
      authorizationEndpoint: `${this.url}/authorize`,
      tokenEndpoint: `${this.url}/token`,
      revocationEndpoint: `${this.url}/revoke`,
      userinfoEndpoint: `${this.url}/userinfo`,
      jwksUri: `${this.url}/jwks`,
      migrationEndpoint: `${this.url}/migrate`,
    };
  }

  /** Options for an AuthClient talking to this server. */
  clientOptions(extra: Partial<AuthClientOptions> = {}): AuthClientOptions {
    return {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: REDIRECT_URI,
      environment: this.endpoints(),
      ...extra,
    };
  }

  /** Sets the handler of a path (without query). */
  on(path: string, handler: Handler): this {
    this.handlers.set(path, handler);
    return this;
  }

  /** Answers a path with the given replies in turn; the last one repeats. */
  sequence(path: string, replies: Reply[]): this {
    return this.on(path, (_req, n) => replies[Math.min(n, replies.length - 1)] as Reply);
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Signs an id token with a published key. Claims default to a valid Intuit token. */
  async signIdToken(
    claims: JWTPayload & Record<string, unknown> = {},
    opts: { key?: SigningKey; header?: Record<string, unknown>; now?: number } = {},
  ): Promise<string> {
    const key = opts.key ?? (this.keys[0] as SigningKey);
    const now = Math.floor((opts.now ?? Date.now()) / 1000);
    const payload = {
      iss: this.issuer,
      aud: [CLIENT_ID],
      sub: DEFAULT_SUB,
      realmid: "1108033471",
      iat: now,
      exp: now + 3600,
      auth_time: now,
      ...claims,
    };
    for (const [k, v] of Object.entries(payload))
      if (v === undefined) delete (payload as Record<string, unknown>)[k];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", kid: key.kid, ...opts.header })
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** @internal */
  async handle(req: RecordedRequest, res: ServerResponse): Promise<void> {
    const handler = this.handlers.get(req.path);
    const n = this.requests.filter((r) => r.path === req.path).length;
    this.requests.push(req);
    const reply: Reply = handler ? await handler(req, n) : { status: 404, body: { error: "not_found" } };
    if (reply.hang) {
      this.hanging.add(res);
      return;
    }
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    const body =
      reply.body === undefined
        ? ""
        : typeof reply.body === "string"
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, {
      "content-type": "application/json;charset=UTF-8",
      intuit_tid: DEFAULT_TID,
      date: DEFAULT_DATE,
      ...reply.headers,
    });
    res.end(body);
  }
}

/** Starts a fake Intuit on 127.0.0.1 with a fresh port and a fresh RSA key. */
export async function startFakeIntuit(opts: { kid?: string } = {}): Promise<FakeIntuit> {
  const key = await newSigningKey(opts.kid ?? "r4p5SbL2qaFehFzhj8gI");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path: q === -1 ? url : url.slice(0, q),
        url,
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString("utf8"),
        remotePort: req.socket.remotePort,
      };
      fake.handle(recorded, res).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Requests can only arrive after listen, so the handler above never sees `fake` uninitialised.
  const fake = new FakeIntuit(server, [key]);
  return fake;
}

/** The two transports every wire test runs over. */
export const TRANSPORTS: ReadonlyArray<{ name: string; options: Partial<AuthClientOptions> }> = [
  { name: "node:http", options: {} },
  { name: "fetch", options: { fetch: globalThis.fetch } },
  {
    name: "undici",
    // A transport per client, as the default transport is: a getter makes a new one at each use.
    get options(): Partial<AuthClientOptions> {
      return { transport: createUndiciTransport() };
    },
  },
];

/** Expected Basic header for the test credentials. */
export function basicAuth(id = CLIENT_ID, secret = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

/** Awaits a promise that must reject; returns the error for exact assertions. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected the promise to reject");
}
