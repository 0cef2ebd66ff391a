// The command table: names, options, help text, and which function runs each command.
import type { ParseArgsConfig } from "node:util";
import { callApi, prettyBody } from "./call.js";
import { tokenManager, UsageError, type Flags } from "./config.js";
import { runDemo } from "./demo.js";
import { issuerFlag, runEmulator } from "./emulator.js";
import { DEFAULT_SCOPES, runLogin } from "./login.js";
import { printStatus, printToken, printUserInfo, refreshNow, revokeRealm } from "./tokens.js";

/** One CLI command. */
export interface Command {
  name: string;
  aliases?: string[];
  usage: string;
  summary: string;
  help: string;
  options?: NonNullable<ParseArgsConfig["options"]>;
  /** Most positional arguments accepted. Default 0. */
  positionals?: number;
  run(flags: Flags, positionals: string[]): Promise<number | void>;
}

function port(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be 0-65535, not ${String(value)}`);
  return n;
}

function wrapUsage<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

function realm(flags: Flags): string | undefined {
  return typeof flags["realm"] === "string" ? flags["realm"] : undefined;
}

const REALM_OPTION = { realm: { type: "string" } } as const;
const REALM_HELP = `  --realm ID  the company (realm id); optional when only one is connected`;

export const COMMANDS: Command[] = [
  {
    name: "login",
    usage: "login [--scopes LIST] [--environment sandbox|production|URL] [--no-browser] [--timeout S]",
    summary: "Connect a QuickBooks company in the browser and store its tokens",
    help: `Starts a callback server on the redirect URI (must be http://127.0.0.1:PORT/PATH or localhost),
opens the browser at Intuit's consent page, verifies the state, exchanges the code and stores the
tokens (mode 0600). Prints the realm, scopes and expiry times, never the tokens.

Options:
  --scopes LIST   comma-separated: accounting, payment, openid, profile, email, phone, address,
                  intuit_name, payroll, ... or raw scope strings (default ${DEFAULT_SCOPES})
  --no-browser    print the URL instead of opening a browser
  --timeout S     seconds to wait for the callback (default 300)

Example:
  export INTUIT_CLIENT_ID=... INTUIT_CLIENT_SECRET=... INTUIT_REDIRECT_URI=http://127.0.0.1:8000/callback
  intuit-oauth login --scopes accounting,openid,email`,
    options: {
      scopes: { type: "string" },
      "no-browser": { type: "boolean" },
      timeout: { type: "string" },
    },
    run: (flags) =>
      runLogin(flags, {
        scopes: typeof flags["scopes"] === "string" ? flags["scopes"] : DEFAULT_SCOPES,
        noBrowser: flags["no-browser"] === true,
        timeoutS: flags["timeout"] === undefined ? 300 : Number(flags["timeout"]),
      }),
  },
  {
    name: "token",
    usage: "token [--realm ID]",
    summary: "Print a valid access token (refreshing if needed), for scripts",
    help: `Options:
${REALM_HELP}

Example:
  curl -H "Authorization: Bearer $(intuit-oauth token)" -H "Accept: application/json" \\
    https://sandbox-quickbooks.api.intuit.com/v3/company/REALM/companyinfo/REALM`,
    options: REALM_OPTION,
    run: async (flags) => printToken(await tokenManager(flags), realm(flags)),
  },
  {
    name: "refresh",
    usage: "refresh [--realm ID]",
    summary: "Refresh the tokens now and show whether the refresh token rotated",
    help: `Options:
${REALM_HELP}`,
    options: REALM_OPTION,
    run: async (flags) => refreshNow(await tokenManager(flags), realm(flags)),
  },
  {
    name: "revoke",
    usage: "revoke [--realm ID]",
    summary: "Disconnect the app from the company and delete its stored tokens",
    help: `Options:
${REALM_HELP}`,
    options: REALM_OPTION,
    run: async (flags) => revokeRealm(await tokenManager(flags), realm(flags)),
  },
  {
    name: "userinfo",
    usage: "userinfo [--realm ID]",
    summary: "Print the connected user's OpenID profile as JSON",
    help: `Needs the openid scope (plus profile, email, phone or address for those claims).

Options:
${REALM_HELP}`,
    options: REALM_OPTION,
    run: async (flags) => printUserInfo(await tokenManager(flags), realm(flags)),
  },
  {
    name: "status",
    aliases: ["list"],
    usage: "status",
    summary: "List the connected companies with their token status and expiry times",
    help: "Reads only the token store; needs no app credentials. Alias: list.",
    run: (flags) => printStatus(flags),
  },
  {
    name: "call",
    usage: "call <path> [--realm ID]",
    summary: "GET a QuickBooks API path with the stored token and print the JSON",
    help: `{realmId} in the path is replaced by the realm id. A 401 refreshes the token and retries once.

Options:
${REALM_HELP}

Example:
  intuit-oauth call '/v3/company/{realmId}/companyinfo/{realmId}'
  intuit-oauth call "/v3/company/{realmId}/query?query=select * from Customer"`,
    options: REALM_OPTION,
    positionals: 1,
    run: async (flags, [path]) => {
      if (!path)
        throw new UsageError("call needs an API path, e.g. /v3/company/{realmId}/companyinfo/{realmId}");
      console.log(prettyBody(await callApi(await tokenManager(flags), path, realm(flags))));
    },
  },
  {
    name: "emulator",
    usage: "emulator [--port N] [--auto-approve] [--admin] [--issuer URL]",
    summary: "Run the offline Intuit emulator until Ctrl-C",
    help: `Serves Intuit's OAuth endpoints, a consent page and a small QuickBooks API on 127.0.0.1,
and prints its discovery URL and its (public, test-only) client id, secret and redirect URIs.

Options:
  --port N         port (default 4010; 0 picks a free one)
  --auto-approve   skip the consent page (approve at once, first company)
  --admin          enable the /__admin test-control API
  --issuer URL     iss of ID tokens and discovery (default Intuit's, https://oauth.platform.intuit.com/op/v1;
                   self: the emulator's own URL)
  --verbose        log each request (method, path, status)`,
    options: {
      port: { type: "string" },
      "auto-approve": { type: "boolean" },
      admin: { type: "boolean" },
      issuer: { type: "string" },
    },
    run: (flags) =>
      runEmulator({
        issuer: wrapUsage(() => issuerFlag(flags["issuer"])),
        port: port(flags["port"], 4010),
        autoApprove: flags["auto-approve"] === true,
        admin: flags["admin"] === true,
        verbose: flags["verbose"] === true,
      }),
  },
  {
    name: "demo",
    usage: "demo [--port N]",
    summary: "Walk through the whole OAuth tutorial against an in-process emulator (offline)",
    help: `Options:
  --port N    emulator port on 127.0.0.1 (default 0: any free port)

Example:
  npx intuit-oauth demo`,
    options: { port: { type: "string" } },
    run: (flags) => runDemo({ port: port(flags["port"], 0) }),
  },
];
