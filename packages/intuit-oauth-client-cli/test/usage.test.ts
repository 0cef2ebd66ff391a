// How the CLI answers mistakes: exit 2 with one line of our own words (did-you-mean, no parseArgs
// text) for usage mistakes, exit 1 for runtime failures; and help texts that list exactly the
// options each command takes.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { closest } from "../src/suggest.js";
import { cliEnv, freePort, runCli } from "./helpers.js";

const home = mkdtempSync(join(tmpdir(), "cli-usage-"));
const bare = cliEnv({
  HOME: home,
  XDG_CONFIG_HOME: join(home, "config"),
  INTUIT_OAUTH_STORE_DIR: join(home, "store"),
});
const app = { ...bare, INTUIT_CLIENT_ID: "id", INTUIT_CLIENT_SECRET: "secret" };

/** Phrases of node:util parseArgs errors: none may reach the user. */
const PARSE_ARGS_TEXT = [
  /ERR_PARSE_ARGS/,
  /Unknown option '/,
  /argument is ambiguous/,
  /To specify an option argument/,
  /Unexpected argument '/,
  /does not take an argument/,
];

const USAGE_MISTAKES: Array<{ args: string[]; env?: Record<string, string>; stderr: string }> = [
  {
    args: ["frobnicate"],
    stderr: 'Unknown command "frobnicate". Run `intuit-oauth-client-cli --help` for the list.',
  },
  {
    args: ["tokne"],
    stderr:
      'Unknown command "tokne". Did you mean "token"? Run `intuit-oauth-client-cli --help` for the list.',
  },
  {
    args: ["emu"],
    stderr:
      'Unknown command "emu". Did you mean "emulator"? Run `intuit-oauth-client-cli --help` for the list.',
  },
  {
    args: ["--bogus"],
    stderr:
      'Unknown option "--bogus". Run `intuit-oauth-client-cli --help` for the commands and `intuit-oauth-client-cli <command> --help` for their options.',
  },
  {
    args: ["--verbose", "token"],
    stderr:
      "Options go after the command, e.g. `intuit-oauth-client-cli <command> --verbose …`. Run `intuit-oauth-client-cli --help` for the commands.",
  },
  {
    args: ["help", "tokne"],
    stderr:
      'Unknown command "tokne". Did you mean "token"? Run `intuit-oauth-client-cli --help` for the list.',
  },
  {
    args: ["token", "--bogus"],
    stderr:
      'Unknown option "--bogus" for `token`. Run `intuit-oauth-client-cli token --help` for its options.',
  },
  {
    args: ["token", "--relm", "1"],
    stderr:
      'Unknown option "--relm" for `token`. Did you mean "--realm"? Run `intuit-oauth-client-cli token --help` for its options.',
  },
  {
    args: ["login", "--no-browsr"],
    stderr:
      'Unknown option "--no-browsr" for `login`. Did you mean "--no-browser"? Run `intuit-oauth-client-cli login --help` for its options.',
  },
  {
    args: ["token", "-x"],
    stderr: 'Unknown option "-x" for `token`. Run `intuit-oauth-client-cli token --help` for its options.',
  },
  {
    args: ["token", "--port", "1"],
    stderr:
      "`token` does not take --port (an option of emulator, demo). Run `intuit-oauth-client-cli token --help` for its options.",
  },
  {
    args: ["token", "--redirect-uri", "http://127.0.0.1:8000/callback"],
    stderr:
      "`token` does not take --redirect-uri (an option of login). Run `intuit-oauth-client-cli token --help` for its options.",
  },
  { args: ["token", "--realm"], stderr: "--realm needs a value (--realm ID)." },
  { args: ["token", "--realm", "--verbose"], stderr: "--realm needs a value (--realm ID)." },
  {
    args: ["login", "--no-browser=yes"],
    stderr: "--no-browser takes no value. Run `intuit-oauth-client-cli login --help` for its options.",
  },
  {
    args: ["status", "extra"],
    stderr:
      '`status` takes no arguments, but got "extra". Run `intuit-oauth-client-cli status --help` for its options.',
  },
  {
    args: ["call", "a", "b"],
    stderr: 'Unexpected extra argument "b". Run `intuit-oauth-client-cli call --help` for its options.',
  },
  { args: ["call"], env: app, stderr: "call needs an API path, e.g. companyinfo/{realmId}" },
  {
    args: ["call", "https://example.com/v3/company/1/companyinfo/1"],
    env: app,
    stderr:
      "call takes an API path, not a URL: https://example.com/v3/company/1/companyinfo/1 (e.g. companyinfo/{realmId} or /v3/company/{realmId}/…)",
  },
  {
    args: ["call", "../../v2/x"],
    env: app,
    stderr: 'The API path must not contain "." or ".." segments: ../../v2/x',
  },
  { args: ["emulator", "--port", "abc"], stderr: '--port must be a whole number from 0 to 65535, not "abc"' },
  { args: ["demo", "--port", "70000"], stderr: '--port must be a whole number from 0 to 65535, not "70000"' },
  {
    args: ["emulator", "--state-file", "x.json", "--ephemeral"],
    stderr: "--state-file and --ephemeral exclude each other: keep the state in a file, or in memory",
  },
  {
    args: ["login", "--timeout", "soon"],
    stderr: '--timeout must be a positive number of seconds, not "soon"',
  },
  {
    args: ["login", "--timeout", "1e10"],
    stderr: '--timeout must be a positive number of seconds, not "1e10"',
  },
  {
    args: ["token"],
    env: bare,
    stderr: "Missing app credentials: --client-id / INTUIT_CLIENT_ID, --client-secret / INTUIT_CLIENT_SECRET",
  },
  {
    args: ["login"],
    env: app,
    stderr: "Missing app credentials: --redirect-uri / INTUIT_REDIRECT_URI",
  },
  {
    args: ["token", "--environment", "sandbx"],
    env: app,
    stderr:
      '--environment "sandbx" is not sandbox, production or a discovery URL (https://…). Did you mean "sandbox"?',
  },
  {
    args: ["token"],
    env: { ...app, INTUIT_ENVIRONMENT: "prodution" },
    stderr:
      'INTUIT_ENVIRONMENT "prodution" is not sandbox, production or a discovery URL (https://…). Did you mean "production"?',
  },
];

test("usage mistakes exit 2 with one line of our own words", async () => {
  for (const { args, env, stderr } of USAGE_MISTAKES) {
    const r = await runCli(args, env ?? bare);
    assert.equal(r.stderr, `intuit-oauth-client-cli: ${stderr}\n`, args.join(" "));
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    for (const raw of PARSE_ARGS_TEXT) assert.doesNotMatch(r.stderr, raw, args.join(" "));
  }
});

test("an unknown scope stops login before it listens or opens a browser", async () => {
  // The redirect URI's port is a closed one: had login got as far as listening, it would have said so.
  const redirect = `http://127.0.0.1:${await freePort()}/callback`;
  const env = {
    ...app,
    INTUIT_REDIRECT_URI: redirect,
    INTUIT_ENVIRONMENT: `http://127.0.0.1:${await freePort()}/discovery`,
  };
  const r = await runCli(["login", "--no-browser", "--scopes", "acounting,openid"], env);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^intuit-oauth-client-cli: Unknown scope "acounting"\. Did you mean "accounting"\? Known short names: accounting, payment, openid, /,
  );
  assert.doesNotMatch(r.stderr, /connect\/oauth2|Open this URL|Opened your browser/);
  assert.equal(r.stderr.split("\n").length, 2);

  // Raw scope strings still pass: this one gets as far as the (unreachable) discovery URL.
  const raw = await runCli(
    ["login", "--no-browser", "--scopes", "com.intuit.quickbooks.accounting,project-management.project"],
    env,
  );
  assert.equal(raw.code, 1, raw.stderr);
  assert.match(raw.stderr, /^intuit-oauth-client-cli: Network error \(ECONNREFUSED\)/);
});

test("runtime failures exit 1", async () => {
  // Discovery on a closed port: the command was right, the world was not.
  const env = {
    ...app,
    INTUIT_ENVIRONMENT: `http://127.0.0.1:${await freePort()}/.well-known/openid-configuration`,
  };
  const r = await runCli(["token"], env);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^intuit-oauth-client-cli: Network error \(ECONNREFUSED\)/);
});

// Each command's help lists exactly the options it takes, and no other.
const HELP_OPTIONS: Record<string, string[]> = {
  login: [
    "--scopes",
    "--no-browser",
    "--timeout",
    "--client-id",
    "--client-secret",
    "--environment",
    "--redirect-uri",
    "--store-dir",
    "--verbose",
    "--help",
  ],
  token: ["--realm", "--client-id", "--client-secret", "--environment", "--store-dir", "--verbose", "--help"],
  refresh: [
    "--realm",
    "--client-id",
    "--client-secret",
    "--environment",
    "--store-dir",
    "--verbose",
    "--help",
  ],
  revoke: [
    "--realm",
    "--client-id",
    "--client-secret",
    "--environment",
    "--store-dir",
    "--verbose",
    "--help",
  ],
  userinfo: [
    "--realm",
    "--client-id",
    "--client-secret",
    "--environment",
    "--store-dir",
    "--verbose",
    "--help",
  ],
  call: ["--realm", "--client-id", "--client-secret", "--environment", "--store-dir", "--verbose", "--help"],
  status: ["--store-dir", "--help"],
  emulator: [
    "--port",
    "--auto-approve",
    "--admin",
    "--issuer",
    "--state-file",
    "--ephemeral",
    "--verbose",
    "--help",
  ],
  demo: ["--port", "--help"],
};

test("each command's help lists only the options it takes, and it takes each of them", async () => {
  for (const [command, expected] of Object.entries(HELP_OPTIONS)) {
    const r = await runCli([command, "--help"], bare);
    assert.equal(r.code, 0, command);
    const block = /\nOptions:\n([\s\S]*?)(?:\n\n|\n?$)/.exec(r.stdout)?.[1] ?? "";
    const listed = [...block.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]);
    assert.deepEqual(listed, expected, command);
    // The rest of the help mentions no option the command does not take.
    for (const flag of r.stdout.match(/--[a-z][a-z-]+/g) ?? [])
      assert.ok(expected.includes(flag), `${command} --help mentions ${flag}`);
  }
  const top = await runCli(["help", "status"], bare);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: intuit-oauth-client-cli status\n/);
});

test("closest: prefixes, typos and swaps; nothing for far-off words", () => {
  const commands = [
    "login",
    "token",
    "refresh",
    "revoke",
    "userinfo",
    "status",
    "list",
    "call",
    "emulator",
    "demo",
  ];
  assert.equal(closest("tokne", commands), "token");
  assert.equal(closest("refesh", commands), "refresh");
  assert.equal(closest("emu", commands), "emulator");
  assert.equal(closest("re", commands), undefined);
  assert.equal(closest("rev", commands), "revoke");
  assert.equal(closest("Status", commands), "status");
  assert.equal(closest("frobnicate", commands), undefined);
  assert.equal(closest("xyz", commands), undefined);
});
