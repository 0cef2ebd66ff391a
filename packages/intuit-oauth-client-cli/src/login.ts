// `intuit-oauth-client-cli login`: the authorization-code flow for one person at a terminal. A loopback server
// on the redirect URI receives the callback; the state is verified before the code is exchanged.
import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { CallbackError, COMPANY_SCOPES, Scopes, TokenManager, type TokenSet } from "intuit-oauth-client";
import { validateCallback } from "intuit-oauth-client/protocol";
import {
  authClient,
  CliError,
  credentials,
  isLoopback,
  tokenStore,
  UsageError,
  type Flags,
} from "./config.js";
import { didYouMean } from "./suggest.js";
import { iso, table } from "./output.js";

export const DEFAULT_SCOPES = "accounting,openid,profile,email";

const SHORT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(Scopes).flatMap(([name, value]) => [
    [name.toLowerCase(), value],
    [name.toLowerCase().replaceAll("_", ""), value],
  ]),
);
const WIRE_SCOPES: ReadonlySet<string> = new Set(Object.values(Scopes));
/** The short names help and did-you-mean offer: Intuit's spelling, lower case. */
const SUGGESTED = [
  ...new Set(
    Object.keys(Scopes)
      .filter((n) => n === n.toUpperCase())
      .map((n) => n.toLowerCase()),
  ),
];

/**
 * `accounting,openid` → wire scopes. A name that is neither a short name nor a known scope must
 * look like a raw scope string (with a dot, as Intuit's are), so a typo stops here, before any
 * browser opens, instead of on Intuit's error page.
 */
export function parseScopeList(list: string): string[] {
  const names = list.split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) throw new UsageError("--scopes needs at least one scope");
  const scopes = names.map((n) => {
    const known = SHORT_NAMES.get(n.toLowerCase());
    if (known) return known;
    if (WIRE_SCOPES.has(n) || /^[a-z][\w-]*(\.[\w-]+)+$/i.test(n)) return n;
    throw new UsageError(
      `Unknown scope "${n}".${didYouMean(n, [...SUGGESTED, ...WIRE_SCOPES])} ` +
        `Known short names: ${SUGGESTED.join(", ")}; raw scope strings with a dot (com.intuit.quickbooks.payroll) pass as they are.`,
    );
  });
  if (!scopes.some((s) => COMPANY_SCOPES.includes(s)))
    throw new UsageError("login stores tokens per company: include the accounting or payment scope");
  return [...new Set(scopes)];
}

/** `--timeout S`: a positive number of seconds, at most what a timer can wait (about 24 days). */
export function parseTimeout(value: string | boolean | undefined): number {
  if (value === undefined) return 300;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 2_147_483)
    throw new UsageError(`--timeout must be a positive number of seconds, not "${String(value)}"`);
  return n;
}

interface CallbackTarget {
  url: URL;
  hosts: string[];
  port: number;
}

/** The loopback address and path to listen on, from the redirect URI. */
function callbackTarget(redirectUri: string): CallbackTarget {
  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    throw new UsageError(`The redirect URI is not a URL: ${redirectUri}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "http:" || !isLoopback(host))
    throw new UsageError(
      `login receives the callback itself, so the redirect URI must be a loopback http URL such as ` +
        `http://127.0.0.1:8000/callback (registered for your app); got ${redirectUri}`,
    );
  return { url, hosts: host === "localhost" ? ["127.0.0.1", "::1"] : [host], port: Number(url.port || 80) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p><p>You can close this tab and return to the terminal.</p></body></html>`;
}

/** Opens the system browser; false when there is none or it could not start. */
function openBrowser(url: string): Promise<boolean> {
  if (process.platform === "linux" && !process.env["DISPLAY"] && !process.env["WAYLAND_DISPLAY"])
    return Promise.resolve(false);
  const [cmd, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]]
        : ["xdg-open", [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args as string[], { stdio: "ignore", detached: true });
      child.once("error", () => resolve(false));
      child.once("spawn", () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/** A live "waiting" line on stderr, only on a terminal. Returns the function that clears it. */
function progress(timeoutS: number): () => void {
  if (!process.stderr.isTTY) return () => {};
  const started = Date.now();
  const draw = () => {
    const s = Math.floor((Date.now() - started) / 1000);
    process.stderr.write(
      `\r\x1b[2KWaiting for the browser… ${s} s (gives up after ${timeoutS} s, Ctrl-C to cancel)`,
    );
  };
  draw();
  const timer = setInterval(draw, 1000);
  return () => {
    clearInterval(timer);
    process.stderr.write("\r\x1b[2K");
  };
}

export interface LoginOptions {
  /** Wire scopes, from {@link parseScopeList}. */
  scopes: string[];
  noBrowser: boolean;
  /** From {@link parseTimeout}. */
  timeoutS: number;
}

export async function runLogin(flags: Flags, options: LoginOptions): Promise<number> {
  const creds = credentials(flags, "required");
  const { scopes } = options;
  const target = callbackTarget(creds.redirectUri);
  const client = await authClient(creds);
  const store = tokenStore(flags);
  const tokens = new TokenManager({ authClient: client, store });
  const authUrl = client.getAuthorizationUrl(scopes);
  const expectedState = client.stateToken;

  let settle!: { resolve: (t: TokenSet) => void; reject: (e: unknown) => void };
  const done = new Promise<TokenSet>((resolve, reject) => (settle = { resolve, reject }));
  let handled = false;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", target.url);
    if (req.method !== "GET" || url.pathname !== target.url.pathname || handled) {
      res.writeHead(404, { "content-type": "text/plain", connection: "close" }).end("Not found");
      return;
    }
    // A callback without this login's state (a forged error, a stray tab) is answered and
    // ignored: the login goes on waiting for the real one.
    try {
      validateCallback(url, expectedState);
    } catch (err) {
      if (err instanceof CallbackError) {
        res.writeHead(400, { "content-type": "text/html; charset=utf-8", connection: "close" });
        res.end(page("Not connected", "This callback does not belong to the login in progress."));
        return;
      }
    }
    handled = true;
    // Without an ID token the realm is proven with one CompanyInfo call (accounting scope).
    const verifyRealm = !scopes.includes(Scopes.OpenId) && scopes.includes(Scopes.Accounting);
    client.handleCallback(url, { expectedState, verifyRealm }).then(
      (token) => {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", connection: "close" });
        res.end(page("Connected", `intuit-oauth-client-cli is connected to company ${token.realmId ?? ""}.`));
        settle.resolve(token);
      },
      (err: unknown) => {
        res.writeHead(400, { "content-type": "text/html; charset=utf-8", connection: "close" });
        res.end(page("Not connected", (err as Error).message));
        settle.reject(err);
      },
    );
  };

  const servers: Server[] = [];
  try {
    for (const [i, host] of target.hosts.entries()) {
      const server = createServer(handler);
      try {
        await listen(server, target.port, host);
        servers.push(server);
      } catch (err) {
        if (i === 0)
          throw new CliError(
            `Cannot listen on ${host}:${target.port} for the callback: ${(err as Error).message}`,
          );
      }
    }
    const opened = !options.noBrowser && (await openBrowser(authUrl));
    console.error(
      opened
        ? "Opened your browser. If it did not show Intuit's page, open this URL:"
        : "Open this URL in a browser to connect a QuickBooks company:",
    );
    console.error(`  ${authUrl}`);
    const clear = progress(options.timeoutS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CliError(
              `No callback arrived within ${options.timeoutS} s; run \`intuit-oauth-client-cli login\` again`,
            ),
          ),
        options.timeoutS * 1000,
      );
    });
    let token: TokenSet;
    try {
      token = await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
      clear();
    }
    const realmId = token.realmId;
    if (!realmId)
      throw new CliError("Intuit did not return a realmId; include the accounting or payment scope");
    // One user on a loopback redirect: the callback came from this user's own browser, so a realm
    // that could not be proven (a Payments-only grant has no ID token and no CompanyInfo) is kept.
    await tokens.save(realmId, token, { allowUnverifiedRealm: true });
    console.log(`Connected QuickBooks company ${realmId}.`);
    console.log(
      table([
        ["realm", realmId],
        ["scopes", scopes.join(" ")],
        ["access token expires", iso(token.accessTokenExpiresAt)],
        ["refresh token expires", iso(token.refreshTokenExpiresAt)],
        ...(token.refreshTokenHardExpiresAt
          ? ([["hard expiry", iso(token.refreshTokenHardExpiresAt)]] as Array<[string, string]>)
          : []),
        ["stored in", store.directory],
      ]),
    );
    return 0;
  } finally {
    // Connection: close answers end their sockets; close() drops idle (pre-connected) ones.
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}
