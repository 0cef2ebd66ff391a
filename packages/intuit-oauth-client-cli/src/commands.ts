// The command table: names, the options each command takes (which also make its help), the help
// text around them, and which function runs each command. Flag values are checked here, before a
// command starts anything.
import type { OptionSpecs } from "./args.js";
import { callApi, checkApiPath, prettyBody } from "./call.js";
import {
  APP_OPTIONS,
  clientAndTokens,
  HELP_OPTION,
  REDIRECT_OPTION,
  STORE_OPTION,
  tokenManager,
  UsageError,
  VERBOSE_ERRORS_OPTION,
  type Flags,
} from "./config.js";
import { runDemo } from "./demo.js";
import { runEmulator } from "./emulator.js";
import { DEFAULT_SCOPES, parseScopeList, parseTimeout, runLogin } from "./login.js";
import { printReport } from "./report.js";
import { printStatus, printToken, printUserInfo, refreshNow, revokeRealm } from "./tokens.js";

/** One CLI command. */
export interface Command {
  name: string;
  aliases?: string[];
  /** The usage line after `intuit-oauth-client-cli `. */
  usage: string;
  summary: string;
  /** What it does, before the options in its help. */
  about?: string;
  /** Examples and notes, after the options. */
  example?: string;
  /** Every option it accepts; its help lists exactly these. */
  options: OptionSpecs;
  /** Most positional arguments accepted. Default 0. */
  positionals?: number;
  run(flags: Flags, positionals: string[]): Promise<number | void>;
}

function port(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${String(value)}"`);
  return n;
}

function realm(flags: Flags): string | undefined {
  return typeof flags["realm"] === "string" ? flags["realm"] : undefined;
}

function text(flags: Flags, name: string): string | undefined {
  return typeof flags[name] === "string" ? flags[name] : undefined;
}

const REALM_OPTION = {
  realm: {
    type: "string",
    value: "ID",
    help: "the company (realm id); needed only when several are connected",
  },
} as const satisfies OptionSpecs;

/** What every stored-token command takes: realm, credentials, store. No redirect URI. */
const TOKEN_COMMAND_OPTIONS: OptionSpecs = {
  ...REALM_OPTION,
  ...APP_OPTIONS,
  ...STORE_OPTION,
  ...VERBOSE_ERRORS_OPTION,
  ...HELP_OPTION,
};

const PORT_HELP = "port on 127.0.0.1";

export const COMMANDS: Command[] = [
  {
    name: "login",
    usage: "login [--scopes LIST] [--no-browser] [--timeout S]",
    summary: "Connect a QuickBooks company in the browser and store its tokens",
    about: `Starts a callback server on the redirect URI (http://127.0.0.1:PORT/PATH or localhost), opens
the browser at Intuit's consent page, verifies the state, exchanges the code and stores the tokens
(mode 0600). Prints the realm, scopes and expiry times, never the tokens.`,
    example: `Example:
  export INTUIT_CLIENT_ID=... INTUIT_CLIENT_SECRET=... INTUIT_REDIRECT_URI=http://127.0.0.1:8000/callback
  intuit-oauth-client-cli login --scopes accounting,openid,email`,
    options: {
      scopes: {
        type: "string",
        value: "LIST",
        help: `comma-separated short names (accounting, payment, openid, profile, email,
phone, address, intuit_name, payroll, …) or raw scope strings
(default ${DEFAULT_SCOPES})`,
      },
      "no-browser": { type: "boolean", help: "print the URL instead of opening a browser" },
      timeout: { type: "string", value: "S", help: "seconds to wait for the callback (default 300)" },
      ...APP_OPTIONS,
      ...REDIRECT_OPTION,
      ...STORE_OPTION,
      ...VERBOSE_ERRORS_OPTION,
      ...HELP_OPTION,
    },
    run: (flags) => {
      // Checked before anything listens or a browser opens.
      const scopes = parseScopeList(text(flags, "scopes") ?? DEFAULT_SCOPES);
      const timeoutS = parseTimeout(flags["timeout"]);
      return runLogin(flags, { scopes, noBrowser: flags["no-browser"] === true, timeoutS });
    },
  },
  {
    name: "token",
    usage: "token [--realm ID]",
    summary: "Print a valid access token (refreshing if needed), for scripts",
    example: `Example:
  curl -H "Authorization: Bearer $(intuit-oauth-client-cli token)" -H "Accept: application/json" \\
    https://sandbox-quickbooks.api.intuit.com/v3/company/REALM/companyinfo/REALM`,
    options: TOKEN_COMMAND_OPTIONS,
    run: async (flags) => printToken(await tokenManager(flags), realm(flags)),
  },
  {
    name: "refresh",
    usage: "refresh [--realm ID]",
    summary: "Refresh the tokens now and show whether the refresh token rotated",
    options: TOKEN_COMMAND_OPTIONS,
    run: async (flags) => refreshNow(await tokenManager(flags), realm(flags)),
  },
  {
    name: "revoke",
    usage: "revoke [--realm ID]",
    summary: "Disconnect the app from the company and delete its stored tokens",
    options: TOKEN_COMMAND_OPTIONS,
    run: async (flags) => revokeRealm(await tokenManager(flags), realm(flags)),
  },
  {
    name: "userinfo",
    usage: "userinfo [--realm ID]",
    summary: "Print the connected user's OpenID profile as JSON",
    about: "Needs the openid scope (plus profile, email, phone or address for those claims).",
    options: TOKEN_COMMAND_OPTIONS,
    run: async (flags) => {
      const { client, tokens } = await clientAndTokens(flags);
      return printUserInfo(client, tokens, realm(flags));
    },
  },
  {
    name: "status",
    aliases: ["list"],
    usage: "status",
    summary: "List the connected companies with their token status and expiry times",
    about:
      "Reads only the token store; needs no app credentials. A token file it cannot read is listed with\nits realm and what is wrong, and makes the exit code 1. Alias: list.",
    options: { ...STORE_OPTION, ...HELP_OPTION },
    run: (flags) => printStatus(flags),
  },
  {
    name: "call",
    usage: "call <path> [--realm ID]",
    summary: "GET a QuickBooks API path with the stored token and print the JSON",
    about: `The path is relative to /v3/company/{realmId}/ (companyinfo/{realmId}), as with quickbooks(tokens, realmId),
or absolute (/v3/company/{realmId}/...); {realmId} is replaced by the realm id. A 401 refreshes
the token and retries once.`,
    example: `Examples:
  intuit-oauth-client-cli call 'companyinfo/{realmId}'
  intuit-oauth-client-cli call "query?query=select * from Customer maxresults 5"
  intuit-oauth-client-cli call '/v3/company/{realmId}/companyinfo/{realmId}'`,
    options: TOKEN_COMMAND_OPTIONS,
    positionals: 1,
    run: async (flags, [path]) => {
      const checked = checkApiPath(path);
      console.log(prettyBody(await callApi(await tokenManager(flags), checked, realm(flags))));
    },
  },
  {
    name: "report",
    usage:
      "report <Name> [--from DATE] [--to DATE] [--method Cash|Accrual] [--by COLUMNS] [--csv] [--realm ID]",
    summary: "Run a QuickBooks report (ProfitAndLoss, BalanceSheet, …) and print it as a table or CSV",
    about: `Runs GET reports/<Name> with the stored token (qb.report) and prints Intuit's nested rows as an
aligned table, sections indented, or as CSV (RFC 4180; cells a spreadsheet would run as a formula
get a leading apostrophe).`,
    example: `Examples:
  intuit-oauth report ProfitAndLoss --from 2026-01-01 --to 2026-03-31
  intuit-oauth report BalanceSheet --period "Last Month" --method Cash --csv > balance.csv`,
    options: {
      from: { type: "string", value: "DATE", help: "start date, YYYY-MM-DD (start_date)" },
      to: { type: "string", value: "DATE", help: "end date, YYYY-MM-DD (end_date)" },
      period: {
        type: "string",
        value: "MACRO",
        help: 'a named period instead, e.g. "This Fiscal Year" (date_macro)',
      },
      method: { type: "string", value: "M", help: "Cash or Accrual (accounting_method)" },
      by: {
        type: "string",
        value: "COLUMNS",
        help: "Total, Month, Quarter, Customers, … (summarize_column_by)",
      },
      csv: { type: "boolean", help: "print CSV instead of a table" },
      ...TOKEN_COMMAND_OPTIONS,
    },
    positionals: 1,
    run: (flags, [name]) => printReport(name, flags, realm(flags), () => tokenManager(flags)),
  },
  {
    name: "emulator",
    usage: "emulator [--port N] [--auto-approve] [--admin] [--issuer URL] [--state-file PATH | --ephemeral]",
    summary: "Run the offline Intuit emulator until Ctrl-C",
    about: `Serves Intuit's OAuth endpoints, a consent page and a small QuickBooks API on 127.0.0.1, and
prints its discovery URL and its (public, test-only) client id, secret and redirect URIs. Its
grants and tokens are kept in a state file, so tokens stored by \`login\` survive a restart.`,
    options: {
      port: { type: "string", value: "N", help: `${PORT_HELP} (default 4010; 0 picks a free one)` },
      "auto-approve": { type: "boolean", help: "skip the consent page (approve at once, first company)" },
      admin: { type: "boolean", help: "enable the /__admin test-control API" },
      issuer: {
        type: "string",
        value: "URL",
        help: "iss of ID tokens and discovery (default Intuit's, https://oauth.platform.intuit.com/op/v1;\nself: the emulator's own URL)",
      },
      "state-file": {
        type: "string",
        value: "PATH",
        help: "where to keep the emulator's state (default: your config directory's\nintuit-oauth-client-emulator-state.json; it holds test tokens and keys)",
      },
      ephemeral: { type: "boolean", help: "keep the state in memory only: a restart forgets every grant" },
      verbose: { type: "boolean", short: "v", help: "log each request (method, path, status)" },
      ...HELP_OPTION,
    },
    run: (flags) => {
      const stateFile = text(flags, "state-file");
      if (stateFile !== undefined && flags["ephemeral"] === true)
        throw new UsageError(
          "--state-file and --ephemeral exclude each other: keep the state in a file, or in memory",
        );
      return runEmulator({
        port: port(flags["port"], 4010),
        autoApprove: flags["auto-approve"] === true,
        admin: flags["admin"] === true,
        verbose: flags["verbose"] === true,
        issuer: issuerFlag(text(flags, "issuer")),
        state: flags["ephemeral"] === true ? "memory" : (stateFile ?? "default"),
      });
    },
  },
  {
    name: "demo",
    usage: "demo [--port N]",
    summary: "Walk through the whole OAuth tutorial against an in-process emulator (offline)",
    example: `Example:
  npx intuit-oauth-client-cli demo`,
    options: {
      port: { type: "string", value: "N", help: `emulator ${PORT_HELP} (default 0: any free port)` },
      ...HELP_OPTION,
    },
    run: (flags) => runDemo({ port: port(flags["port"], 0) }),
  },
];

/** The commands (other than `command`) that take `--option`, for "an option of login, emulator". */
export function commandsTaking(option: string, except: string): string[] {
  return COMMANDS.filter((c) => c.name !== except && Object.hasOwn(c.options, option)).map((c) => c.name);
}

/** The `--issuer` flag: absent, `self` (the emulator's URL), or an absolute http(s) URL. */
function issuerFlag(value: string | undefined): string | undefined {
  if (value === undefined || value === "self") return value;
  if (!isHttpUrl(value))
    throw new UsageError(`--issuer must be an absolute http(s) URL or self, not ${JSON.stringify(value)}`);
  return value;
}

function isHttpUrl(value: string): boolean {
  try {
    return /^https?:$/.test(new URL(value).protocol);
  } catch {
    return false;
  }
}
