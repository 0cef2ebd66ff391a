// Where the CLI's settings come from: flags first, then the environment. Declares those shared
// options, checks their values, and builds the AuthClient, the token store and the TokenManager
// every token command shares. Prints nothing.
import {
  AuthClient,
  FileTokenStore,
  TokenManager,
  type TokenRecord,
  type TokenStore,
  type UnreadableRecordError,
} from "intuit-oauth-client";
import type { OptionSpecs } from "./args.js";
import { didYouMean } from "./suggest.js";

export { CliError, UsageError } from "./errors.js";
export type { Flags } from "./errors.js";
import { CliError, UsageError, type Flags } from "./errors.js";

/** `-h, --help`: every command has it. */
export const HELP_OPTION = {
  help: { type: "boolean", short: "h", help: "show this help" },
} as const satisfies OptionSpecs;

/** `-v, --verbose` for the commands that talk to Intuit: details on errors. */
export const VERBOSE_ERRORS_OPTION = {
  verbose: {
    type: "boolean",
    short: "v",
    help: "on errors, also show the status, intuit_tid, error code and (redacted) body",
  },
} as const satisfies OptionSpecs;

/** The app's credentials and environment: every command that talks to Intuit. */
export const APP_OPTIONS = {
  "client-id": { type: "string", value: "ID", help: "the app's client id, or INTUIT_CLIENT_ID" },
  "client-secret": {
    type: "string",
    value: "SECRET",
    help: "the app's client secret, or INTUIT_CLIENT_SECRET (never printed)",
  },
  environment: {
    type: "string",
    value: "ENV",
    help: "sandbox (default), production or a discovery URL, or INTUIT_ENVIRONMENT",
  },
} as const satisfies OptionSpecs;

/** The redirect URI: only `login` uses it (a token refresh never sends one). */
export const REDIRECT_OPTION = {
  "redirect-uri": {
    type: "string",
    value: "URI",
    help: "a loopback http URL registered for the app, or INTUIT_REDIRECT_URI",
  },
} as const satisfies OptionSpecs;

/** Where tokens are stored. */
export const STORE_OPTION = {
  "store-dir": {
    type: "string",
    value: "DIR",
    help: "token directory, or INTUIT_OAUTH_STORE_DIR\n(default: your config directory's intuit-oauth-client/tokens)",
  },
} as const satisfies OptionSpecs;

export interface Credentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: string;
}

/**
 * What the commands that never use a redirect URI (token, refresh, revoke, userinfo, call) give
 * AuthClient, which requires one: Intuit sees it only in the code exchange, which they never do.
 */
const UNUSED_REDIRECT_URI = "http://127.0.0.1/unused-by-this-command";

function pick(flags: Flags, flag: string, env: string): string | undefined {
  const value = flags[flag];
  if (typeof value === "string" && value !== "") return value;
  const fromEnv = process.env[env];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

const BUILT_IN_ENVIRONMENTS = ["sandbox", "sand", "production", "prod"];

/** `--environment` / `INTUIT_ENVIRONMENT`: a built-in name or an http(s) discovery URL, checked here. */
export function environment(flags: Flags): string {
  const value = pick(flags, "environment", "INTUIT_ENVIRONMENT") ?? "sandbox";
  if (BUILT_IN_ENVIRONMENTS.includes(value.trim().toLowerCase())) return value;
  const source =
    typeof flags["environment"] === "string" && flags["environment"] !== ""
      ? "--environment"
      : "INTUIT_ENVIRONMENT";
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol === "https:" || (url?.protocol === "http:" && isLoopback(url.hostname))) return value;
  if (url?.protocol === "http:")
    throw new UsageError(
      `${source} uses plain http on a host that is not loopback (${url.host}); a discovery URL must be https, or http on 127.0.0.1/localhost`,
    );
  throw new UsageError(
    `${source} "${value}" is not sandbox, production or a discovery URL (https://…).${didYouMean(value, ["sandbox", "production"])}`,
  );
}

/** 127.0.0.0/8, localhost and [::1]: the only hosts allowed over plain http. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The app's credentials from `--client-id` etc. or `INTUIT_CLIENT_ID` etc. The redirect URI is
 * read only when `redirectUri` is "required" (login); otherwise it is neither demanded nor used.
 */
export function credentials(flags: Flags, redirectUri: "required" | "unused" = "unused"): Credentials {
  const clientId = pick(flags, "client-id", "INTUIT_CLIENT_ID");
  const clientSecret = pick(flags, "client-secret", "INTUIT_CLIENT_SECRET");
  const redirect =
    redirectUri === "required" ? pick(flags, "redirect-uri", "INTUIT_REDIRECT_URI") : UNUSED_REDIRECT_URI;
  const missing = [
    clientId ? undefined : "--client-id / INTUIT_CLIENT_ID",
    clientSecret ? undefined : "--client-secret / INTUIT_CLIENT_SECRET",
    redirect ? undefined : "--redirect-uri / INTUIT_REDIRECT_URI",
  ].filter(Boolean);
  if (!clientId || !clientSecret || !redirect)
    throw new UsageError(`Missing app credentials: ${missing.join(", ")}`);
  return { clientId, clientSecret, redirectUri: redirect, environment: environment(flags) };
}

/** An AuthClient for the configured app (fetches the discovery document when the environment is a URL). */
export function authClient(creds: Credentials): Promise<AuthClient> {
  return AuthClient.create({ ...creds, userAgent: "intuit-oauth-cli" });
}

/** The token store: `--store-dir`, `INTUIT_OAUTH_STORE_DIR`, or the user's config directory. */
export function tokenStore(flags: Flags): FileTokenStore {
  const directory = pick(flags, "store-dir", "INTUIT_OAUTH_STORE_DIR");
  return new FileTokenStore(directory ? { directory } : {});
}

/** AuthClient + TokenManager on the file store: what every stored-token command needs. */
export async function tokenManager(flags: Flags): Promise<TokenManager> {
  return (await clientAndTokens(flags)).tokens;
}

/** The AuthClient and a TokenManager on the CLI's store, for commands that need both. */
export async function clientAndTokens(flags: Flags): Promise<{ client: AuthClient; tokens: TokenManager }> {
  const client = await authClient(credentials(flags, "unused"));
  return { client, tokens: new TokenManager({ authClient: client, store: tokenStore(flags) }) };
}

/**
 * The realm a command acts on: `--realm` (which must be stored), or the only stored one. Records the
 * store cannot read still count as stored: `--realm` naming one throws the store's error (which names
 * the file), and they are listed, marked, when the user must choose.
 */
export async function chooseStoredRealm(store: TokenStore, realm: string | undefined): Promise<string> {
  const unreadable: UnreadableRecordError[] = [];
  const records = await store.list({ onUnreadable: (error) => unreadable.push(error) });
  const broken = unreadable.find((e) => e.realmId === realm);
  if (broken) throw broken;
  return chooseRealm(
    records,
    realm,
    unreadable.map((e) => e.realmId),
  );
}

/** {@link chooseStoredRealm} on records already read; `unreadable` are realm ids that could not be. */
export function chooseRealm(
  records: readonly TokenRecord[],
  realm: string | undefined,
  unreadable: readonly string[] = [],
): string {
  const ids = records.map((r) => r.realmId).sort();
  const all = [...ids, ...unreadable.map((id) => `${id} (unreadable)`)].sort();
  if (records.length === 0 && unreadable.length > 0)
    throw new CliError(
      `No stored token file can be read (${unreadable.join(", ")}). Run \`intuit-oauth-client-cli status\` for ` +
        "the files and what is wrong with them.",
    );
  if (records.length === 0)
    throw new CliError(
      `${realm ? `Realm ${realm} is not connected, and no` : "No"} QuickBooks company is connected. ` +
        "Run `intuit-oauth-client-cli login` to connect (or reconnect) one.",
    );
  if (realm) {
    if (ids.includes(realm)) return realm;
    throw new UsageError(
      `No tokens are stored for realm ${realm}. Stored realms: ${all.join(", ")}.${didYouMean(realm, ids)} ` +
        "To connect another company, run `intuit-oauth-client-cli login`.",
    );
  }
  if (records.length + unreadable.length > 1)
    throw new UsageError(`Several companies are connected; choose one with --realm: ${all.join(", ")}`);
  return records[0]!.realmId;
}
