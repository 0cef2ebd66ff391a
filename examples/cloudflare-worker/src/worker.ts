// A Cloudflare Worker that connects a QuickBooks company (/connect → Intuit → the callback) and makes
// one API call (CompanyInfo) with the tokens it stored. It runs on the library's portable build, so
// it needs no `nodejs_compat`. The token store is yours: createWorker({ tokenStore }); the default
// export keeps tokens in memory, for demonstration only. It never puts a token in a page, cookie or log.
import { DemoTokenStore } from "./demo-token-store.js";
import {
  AuthClient,
  AuthorizationResponseError,
  CallbackError,
  RealmMismatchError,
  Scopes,
  TokenManager,
  TokenNotFoundError,
  UnverifiedRealmError,
  isIntuitOAuthError,
  mustReconnect,
  quickbooks,
  type TokenStore,
} from "./library.js";
import { SignedCookies } from "./signed-cookies.js";

/** The Worker's bindings (wrangler.toml `[vars]` and `wrangler secret put`). */
export interface Env {
  INTUIT_CLIENT_ID: string;
  /** A secret: `wrangler secret put INTUIT_CLIENT_SECRET`. */
  INTUIT_CLIENT_SECRET: string;
  /** Registered in Intuit's developer portal, e.g. `https://qbo.example.workers.dev/callback`. */
  INTUIT_REDIRECT_URI: string;
  /** `sandbox`, `production`, or a discovery document URL (the emulator's, in the tests). */
  INTUIT_ENVIRONMENT: string;
  /** A secret of at least 32 random bytes that signs the cookies: `wrangler secret put COOKIE_SECRET`. */
  COOKIE_SECRET: string;
}

export interface WorkerOptions {
  /** Where tokens live. Called once per isolate, with the first request's bindings. */
  tokenStore: (env: Env) => TokenStore;
}

/** What the browser keeps between /connect and the callback: this sign-in's state and nonce. */
interface PendingConnect {
  state: string;
  nonce?: string | undefined;
}

interface Services {
  authClient: AuthClient;
  tokens: TokenManager;
  cookies: SignedCookies;
  callbackPath: string;
}

const SCOPES = [Scopes.Accounting, Scopes.OpenId, Scopes.Profile, Scopes.Email];
const PENDING_COOKIE = "qbo_connect";
const REALM_COOKIE = "qbo_realm";
const TEN_MINUTES_S = 10 * 60;
const THIRTY_DAYS_S = 30 * 24 * 60 * 60;

/** A Worker (`{ fetch }`) over the token store you give it. */
export function createWorker(options: WorkerOptions) {
  let services: Promise<Services> | undefined;
  // One AuthClient and TokenManager per isolate, made on the first request (a Worker may not fetch
  // at startup, and a discovery URL needs one). Neither holds a user's data: that is in the cookies.
  const setup = (env: Env) =>
    (services ??= createServices(env, options).catch((err: unknown) => {
      services = undefined;
      throw err;
    }));
  return {
    async fetch(request: Request, env: Env): Promise<Response> {
      let s: Services;
      try {
        s = await setup(env);
      } catch (err) {
        console.error("setup failed:", describe(err));
        return html(500, page("Not configured", "<p>The Worker's Intuit settings are missing or wrong.</p>"));
      }
      try {
        return await route(request, s);
      } catch (err) {
        return errorResponse(err, s);
      }
    },
  };
}

async function createServices(env: Env, options: WorkerOptions): Promise<Services> {
  const authClient = await AuthClient.create({
    clientId: env.INTUIT_CLIENT_ID,
    clientSecret: env.INTUIT_CLIENT_SECRET,
    redirectUri: env.INTUIT_REDIRECT_URI,
    environment: env.INTUIT_ENVIRONMENT,
    // A Worker serves many users: every callback must bring the state its own browser kept, and
    // no user's tokens are kept on the client.
    singleUser: false,
  });
  const redirectUri = new URL(env.INTUIT_REDIRECT_URI);
  return {
    authClient,
    tokens: new TokenManager({ authClient, store: options.tokenStore(env) }),
    cookies: new SignedCookies(env.COOKIE_SECRET, { secure: redirectUri.protocol === "https:" }),
    callbackPath: redirectUri.pathname,
  };
}

async function route(request: Request, s: Services): Promise<Response> {
  const url = new URL(request.url);
  if (request.method !== "GET") return html(405, page("Method not allowed", "<p>Only GET is served.</p>"));
  if (url.pathname === "/connect") return connect(s);
  if (url.pathname === s.callbackPath) return callback(request, s);
  if (url.pathname === "/") return home(request, s);
  return html(404, page("Not found", '<p><a href="/">Home</a></p>'));
}

// Step 1: send the browser to Intuit. The state and the OpenID nonce go in a signed cookie, so the
// callback can check that it answers a sign-in this browser started.
async function connect({ authClient, cookies }: Services): Promise<Response> {
  const request = authClient.createAuthorizationRequest(SCOPES, { nonce: true });
  const pending: PendingConnect = { state: request.state, nonce: request.nonce };
  return redirect(302, request.url, [await cookies.serialize(PENDING_COOKIE, pending, TEN_MINUTES_S)]);
}

// Step 2: Intuit sends the browser back with ?code&state&realmId (or ?error=access_denied).
async function callback(request: Request, { authClient, tokens, cookies }: Services): Promise<Response> {
  const pending = await cookies.read<PendingConnect>(request, PENDING_COOKIE);
  const token = await authClient.handleCallback(request.url, {
    // The state this browser's own /connect kept; "" (no cookie) fails as no_expected_state.
    expectedState: pending?.state ?? "",
    nonce: pending?.nonce,
    // The callback's realmId is only a URL parameter the user can edit: the ID token's realmid
    // proves it (openid scope), and without an ID token one CompanyInfo call with the new token does.
    verifyRealm: true,
  });
  const realmId = token.realmId;
  if (!realmId) throw new CallbackError("malformed", "Intuit did not say which company was connected");
  // save() refuses a realm that was not proven, so a tampered callback cannot overwrite a grant.
  await tokens.save(realmId, token);
  return redirect(303, "/", [
    cookies.clear(PENDING_COOKIE),
    await cookies.serialize(REALM_COOKIE, realmId, THIRTY_DAYS_S),
  ]);
}

// Home: the Connect link, or the connected company's name from one QuickBooks API call. The API
// helper takes the access token from the TokenManager, which refreshes it when it is about to
// expire, and refreshes and retries once when the API answers 401.
async function home(request: Request, { tokens, cookies }: Services): Promise<Response> {
  const realmId = await cookies.read<string>(request, REALM_COOKIE);
  if (!realmId)
    return html(200, page("Connect to QuickBooks", '<p><a href="/connect">Connect to QuickBooks</a></p>'));
  const info = await quickbooks(tokens, realmId).get<{ CompanyInfo: { CompanyName: string } }>(
    `companyinfo/${encodeURIComponent(realmId)}`,
  );
  return html(
    200,
    page(
      "Connected",
      `<p>Connected to <strong id="company">${escape(info.CompanyInfo.CompanyName)}</strong>` +
        ` (realm <span id="realm">${escape(realmId)}</span>).</p><p><a href="/connect">Connect another company</a></p>`,
    ),
  );
}

/** Error pages. Library errors carry a stable `code` (and a `reason`), never a token or secret. */
async function errorResponse(err: unknown, { cookies }: Services): Promise<Response> {
  const code = describe(err);
  if (err instanceof AuthorizationResponseError)
    return html(
      err.accessDenied ? 200 : 400,
      page("Not connected", `<p>QuickBooks did not connect (${escape(err.error)}).</p>`, code, true),
      [cookies.clear(PENDING_COOKIE)],
    );
  if (
    err instanceof CallbackError ||
    err instanceof UnverifiedRealmError ||
    err instanceof RealmMismatchError
  )
    return html(
      400,
      page("Could not connect", "<p>The sign-in link expired or was tampered with.</p>", code, true),
      [cookies.clear(PENDING_COOKIE)],
    );
  if (mustReconnect(err))
    return html(200, page("Reconnect", "<p>QuickBooks needs you to connect again.</p>", code, true));
  if (err instanceof TokenNotFoundError) return redirect(303, "/", [cookies.clear(REALM_COOKIE)]);
  console.error("request failed:", code);
  return html(500, page("Something went wrong", "<p>Please try again in a moment.</p>", code));
}

function describe(err: unknown): string {
  if (isIntuitOAuthError(err))
    switch (err.code) {
      case "ERR_CALLBACK":
      case "ERR_ID_TOKEN":
      case "ERR_UNREADABLE_RECORD":
      case "ERR_REAUTHORIZATION_REQUIRED":
        return `${err.code} (${err.reason})`; // each of these carries a short reason code
      default:
        return err.code;
    }
  return err instanceof Error ? err.name : "error";
}

function page(title: string, body: string, code?: string, connectLink = false): string {
  return [
    "<!doctype html>",
    `<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>`,
    `<h1>${escape(title)}</h1>`,
    body,
    code ? `<p><code id="error-code">${escape(code)}</code></p>` : "",
    connectLink ? '<p><a href="/connect">Connect to QuickBooks</a></p>' : "",
    "</body></html>",
  ].join("\n");
}

function escape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function html(status: number, body: string, cookies: readonly string[] = []): Response {
  const headers = new Headers({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(body, { status, headers });
}

function redirect(status: 302 | 303, location: string, cookies: readonly string[]): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status, headers });
}

// For demonstration: tokens in this isolate's memory. Replace with your own store (README.md).
const demoStore = new DemoTokenStore();

export default createWorker({ tokenStore: () => demoStore });
