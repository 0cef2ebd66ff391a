// Where the CLI's settings come from: flags first, then the environment. Builds the AuthClient,
// the token store and the TokenManager every token command shares. Prints nothing.
import { AuthClient, FileTokenStore, TokenManager, type TokenRecord } from "../index.js";

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the CLI explains itself in one line: exit code 1. */
export class CliError extends Error {
  override name = "CliError";
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  "client-id": { type: "string" },
  "client-secret": { type: "string" },
  "redirect-uri": { type: "string" },
  environment: { type: "string" },
  "store-dir": { type: "string" },
} as const;

/** The parsed values of {@link COMMON_OPTIONS} (and any command options). */
export type Flags = Record<string, string | boolean | undefined>;

export interface Credentials {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: string;
}

function pick(flags: Flags, flag: string, env: string): string | undefined {
  const value = flags[flag];
  if (typeof value === "string" && value !== "") return value;
  const fromEnv = process.env[env];
  return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
}

/** The app's credentials from `--client-id` etc. or `INTUIT_CLIENT_ID` etc. */
export function credentials(flags: Flags): Credentials {
  const clientId = pick(flags, "client-id", "INTUIT_CLIENT_ID");
  const clientSecret = pick(flags, "client-secret", "INTUIT_CLIENT_SECRET");
  const redirectUri = pick(flags, "redirect-uri", "INTUIT_REDIRECT_URI");
  const missing = [
    clientId ? undefined : "--client-id / INTUIT_CLIENT_ID",
    clientSecret ? undefined : "--client-secret / INTUIT_CLIENT_SECRET",
    redirectUri ? undefined : "--redirect-uri / INTUIT_REDIRECT_URI",
  ].filter(Boolean);
  if (!clientId || !clientSecret || !redirectUri)
    throw new UsageError(`Missing app credentials: ${missing.join(", ")}`);
  return {
    clientId,
    clientSecret,
    redirectUri,
    environment: pick(flags, "environment", "INTUIT_ENVIRONMENT") ?? "sandbox",
  };
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

/** AuthClient + TokenManager on the file store: what every token command needs. */
export async function tokenManager(flags: Flags): Promise<TokenManager> {
  const client = await authClient(credentials(flags));
  return new TokenManager({ authClient: client, store: tokenStore(flags) });
}

/** The realm a command acts on: `--realm`, or the only stored one. */
export function chooseRealm(records: readonly TokenRecord[], realm: string | undefined): string {
  if (realm) return realm;
  if (records.length === 0)
    throw new CliError(
      "No QuickBooks company is connected. Run `intuit-oauth login` to connect (or reconnect) one.",
    );
  if (records.length > 1) {
    const ids = records.map((r) => r.realmId).sort();
    throw new UsageError(`Several companies are connected; choose one with --realm: ${ids.join(", ")}`);
  }
  return records[0]!.realmId;
}
