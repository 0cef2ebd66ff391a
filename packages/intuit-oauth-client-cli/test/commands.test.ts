// The CLI as a user runs it: login through the consent page, then token, call, refresh, userinfo,
// status and revoke against an in-test emulator; error cases; and no secret on any output but `token`'s.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startEmulator, type Emulator } from "../../intuit-oauth-client-emulator/src/index.js";
import { cliEnv, freePort, playBrowser, runCli, urlFromOutput, type Run } from "./helpers.js";

const REALM_1 = "9341453050198162";
const REALM_2 = "9341453050198175";

let emu: Emulator;
let env: Record<string, string>;
let storeDir: string;
/** Every output except `token`'s, checked for secrets at the end. */
const shown: string[] = [];
/** Every secret value seen during the run. */
const secrets = new Set<string>();

function storeFile(realmId: string): string {
  return join(storeDir, `${realmId}.json`);
}

function stored(realmId: string): { accessToken: string; refreshToken: string; idToken?: string } {
  const record = JSON.parse(readFileSync(storeFile(realmId), "utf8")) as {
    token: { accessToken: string; refreshToken: string; idToken?: string };
  };
  for (const v of [record.token.accessToken, record.token.refreshToken, record.token.idToken])
    if (v) secrets.add(v);
  return record.token;
}

async function cli(...args: string[]): Promise<Run> {
  const r = await runCli(args, env);
  if (args[0] !== "token") shown.push(r.stdout, r.stderr);
  return r;
}

async function login(realmId: string, extra: string[] = []): Promise<Run> {
  const watch = urlFromOutput();
  const running = runCli(["login", "--no-browser", "--timeout", "15", ...extra], env, watch.seen);
  const browser = await playBrowser(await watch.url, realmId);
  secrets.add(browser.code);
  assert.equal(browser.status, 200);
  assert.match(browser.page, new RegExp(`connected to company ${realmId}`));
  const r = await running;
  shown.push(r.stdout, r.stderr);
  return r;
}

before(async () => {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`;
  emu = await startEmulator({ port: 0, redirectUris: [redirectUri], rotateAfter: 0 });
  const home = mkdtempSync(join(tmpdir(), "cli-home-"));
  storeDir = join(home, "store");
  env = cliEnv({
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    INTUIT_OAUTH_STORE_DIR: storeDir,
    INTUIT_CLIENT_ID: emu.defaultClient.clientId,
    INTUIT_CLIENT_SECRET: emu.defaultClient.clientSecret,
    INTUIT_REDIRECT_URI: redirectUri,
    INTUIT_ENVIRONMENT: emu.discoveryUrl,
  });
  secrets.add(emu.defaultClient.clientSecret);
});

after(async () => {
  await emu?.close();
});

test("--help lists every command; per-command help shows its options", async () => {
  const r = await cli("--help");
  assert.equal(r.code, 0);
  for (const c of ["login", "token", "refresh", "revoke", "userinfo", "status", "call", "emulator", "demo"])
    assert.match(r.stdout, new RegExp(`^  ${c} +\\S`, "m"));
  const login = await cli("login", "--help");
  assert.equal(login.code, 0);
  assert.match(login.stdout, /^Usage: intuit-oauth-client-cli login /);
  assert.match(login.stdout, /--no-browser/);
});

test("usage errors exit 2 with one line", async () => {
  for (const args of [
    ["frobnicate"],
    ["token", "--bogus"],
    ["call"],
    ["login", "--redirect-uri", "https://example.com/cb"],
  ]) {
    const r = await cli(...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^intuit-oauth-client-cli: /);
  }
  const https = await cli("login", "--redirect-uri", "https://example.com/cb");
  assert.match(https.stderr, /redirect URI must be a loopback http URL/);
});

test("token before any login says to run login", async () => {
  const r = await cli("token");
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^intuit-oauth-client-cli: No QuickBooks company is connected\. Run `intuit-oauth-client-cli login`/,
  );
});

test("login: consent in the 'browser', tokens stored with mode 0600, redacted summary", async () => {
  const r = await login(REALM_1);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Connected QuickBooks company 9341453050198162\.\n/);
  assert.match(r.stdout, /realm: +9341453050198162\n/);
  assert.match(r.stdout, /scopes: +com\.intuit\.quickbooks\.accounting openid profile email\n/);
  assert.match(r.stdout, /access token expires: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n/);
  assert.match(r.stdout, /refresh token expires: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n/);
  assert.equal(statSync(storeFile(REALM_1)).mode & 0o777, 0o600);
  assert.equal(stored(REALM_1).accessToken.length > 0, true);
  assert.equal(existsSync(join(env["HOME"]!, "config")), false); // the user's config dir was not touched
});

test("token prints exactly the access token the emulator accepts", async () => {
  const r = await cli("token");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const token = r.stdout.trimEnd();
  assert.equal(r.stdout, `${stored(REALM_1).accessToken}\n`);
  assert.equal(emu.isAccessTokenValid(token), true);
});

test("call fills {realmId}, prints the JSON body, and refreshes once on a 401", async () => {
  const r = await cli("call", "/v3/company/{realmId}/companyinfo/{realmId}");
  assert.equal(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout) as { CompanyInfo: { CompanyName: string } };
  assert.equal(body.CompanyInfo.CompanyName, "Sandbox Company_US_1");

  const before = stored(REALM_1);
  emu.expireAccessTokens(REALM_1);
  emu.resetCounters();
  const again = await cli("call", "/v3/company/{realmId}/companyinfo/{realmId}");
  assert.equal(again.code, 0, again.stderr);
  assert.equal(
    (JSON.parse(again.stdout) as { CompanyInfo: { CompanyName: string } }).CompanyInfo.CompanyName,
    "Sandbox Company_US_1",
  );
  assert.deepEqual([emu.counters().api, emu.counters().token], [2, 1]);
  assert.notEqual(stored(REALM_1).accessToken, before.accessToken);

  const missing = await cli("call", "/v3/company/{realmId}/companyinfo/1234", "--verbose");
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, "");
  assert.match(
    missing.stderr,
    /^intuit-oauth-client-cli: QuickBooks API error \(HTTP 400, intuit_tid 1-[0-9a-f]{8}-[0-9a-f]{24}\) .*\n {2}status: 400\n/,
  );
});

test("call takes a path relative to the company, as quickbooks(tokens, realmId).get does", async () => {
  const r = await cli("call", "companyinfo/{realmId}");
  assert.equal(r.code, 0, r.stderr);
  const body = JSON.parse(r.stdout) as { CompanyInfo: { CompanyName: string } };
  assert.equal(body.CompanyInfo.CompanyName, "Sandbox Company_US_1");
});

test("token and refresh need no redirect URI, and ignore a broken one", async () => {
  const { INTUIT_REDIRECT_URI: _unused, ...withoutRedirect } = env;
  const token = await runCli(["token"], withoutRedirect);
  assert.equal(token.stderr, "");
  assert.equal(token.code, 0);
  assert.equal(token.stdout, `${stored(REALM_1).accessToken}\n`);
  const refresh = await runCli(["refresh"], { ...withoutRedirect, INTUIT_REDIRECT_URI: "not a URL" });
  shown.push(refresh.stdout, refresh.stderr);
  assert.equal(refresh.code, 0, refresh.stderr);
  assert.match(refresh.stdout, /^Refreshed realm 9341453050198162\.\n/);
});

test("refresh reports rotation and stores the new refresh token", async () => {
  const before = stored(REALM_1);
  const r = await cli("refresh");
  assert.equal(r.code, 0, r.stderr);
  const now = stored(REALM_1);
  assert.notEqual(now.refreshToken, before.refreshToken);
  assert.match(r.stdout, /^Refreshed realm 9341453050198162\.\n/);
  assert.match(
    r.stdout,
    /refresh token: +rotated: RT1-\d\d-H0-…\(\d+ chars, #[0-9a-f]{6}\) -> RT1-\d\d-H0-…\(\d+ chars, #[0-9a-f]{6}\)\n/,
  );
});

test("userinfo prints the profile JSON", async () => {
  const r = await cli("userinfo");
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(info["givenName"], "Alex");
  assert.equal(info["familyName"], "Sandbox");
  assert.equal(info["email"], "alex.sandbox@example.com");
});

test("a forged error callback (wrong state) is answered 400 and login goes on waiting for the real one", async () => {
  const watch = urlFromOutput();
  const running = runCli(["login", "--no-browser", "--timeout", "15"], env, watch.seen);
  const authUrl = await watch.url;
  const redirect = new URL(new URL(authUrl).searchParams.get("redirect_uri") ?? "");
  const forged = await fetch(`${redirect.href}?error=access_denied&state=forged`);
  assert.equal(forged.status, 400);
  const noState = await fetch(`${redirect.href}?error=access_denied`);
  assert.equal(noState.status, 400);
  const browser = await playBrowser(authUrl, REALM_1);
  secrets.add(browser.code);
  assert.equal(browser.status, 200);
  const r = await running;
  shown.push(r.stdout, r.stderr);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`Connected QuickBooks company ${REALM_1}\\.`));
});

test("a 503 on refresh: one line, exit 1, store unchanged byte for byte; --verbose adds intuit_tid", async () => {
  const bytes = readFileSync(storeFile(REALM_1));
  emu.injectFault("token", { type: "status", status: 503 }, 3); // the first try and two retries
  const r = await cli("refresh");
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "intuit-oauth-client-cli: Intuit answered HTTP 503\n");
  assert.deepEqual(readFileSync(storeFile(REALM_1)), bytes);

  emu.injectFault("token", { type: "status", status: 503 }, 3);
  const v = await cli("refresh", "--verbose");
  assert.equal(v.code, 1);
  assert.match(
    v.stderr,
    /^intuit-oauth-client-cli: Intuit answered HTTP 503\n {2}status: 503\n {2}intuit_tid: 1-[0-9a-f]{8}-[0-9a-f]{24}\n {2}code: ERR_AUTH_CLIENT\n/,
  );
  assert.deepEqual(readFileSync(storeFile(REALM_1)), bytes);
  emu.clearFaults();
});

test("with two companies, --realm is required and the error lists them", async () => {
  const r = await login(REALM_2, ["--scopes", "accounting"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /scopes: +com\.intuit\.quickbooks\.accounting\n/);
  const ambiguous = await cli("token");
  assert.equal(ambiguous.code, 2);
  assert.equal(
    ambiguous.stderr,
    `intuit-oauth-client-cli: Several companies are connected; choose one with --realm: ${REALM_1}, ${REALM_2}\n`,
  );
  const status = await cli("status");
  assert.equal(status.code, 0);
  assert.match(status.stdout, new RegExp(`^realm ${REALM_1}: valid$`, "m"));
  assert.match(status.stdout, new RegExp(`^realm ${REALM_2}: valid$`, "m"));
  const unknown = await cli("token", "--realm", "9341453050198176");
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, "");
  assert.equal(
    unknown.stderr,
    `intuit-oauth-client-cli: No tokens are stored for realm 9341453050198176. Stored realms: ${REALM_1}, ${REALM_2}. ` +
      `Did you mean "${REALM_2}"? To connect another company, run \`intuit-oauth-client-cli login\`.\n`,
  );
  const chosen = await cli("token", "--realm", REALM_2);
  assert.equal(chosen.stdout, `${stored(REALM_2).accessToken}\n`);
  const revoked = await cli("revoke", "--realm", REALM_2);
  assert.equal(revoked.code, 0, revoked.stderr);
});

test("revoke disconnects; afterwards token fails with a reconnect message", async () => {
  const before = stored(REALM_1);
  const r = await cli("revoke");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Revoked the connection to realm ${REALM_1} and deleted its stored tokens.\n`);
  assert.equal(emu.isAccessTokenValid(before.accessToken), false);
  const t = await cli("token");
  assert.equal(t.code, 1);
  assert.equal(t.stdout, "");
  assert.match(
    t.stderr,
    /^intuit-oauth-client-cli: No QuickBooks company is connected\. Run `intuit-oauth-client-cli login` to connect \(or reconnect\) one\.\n$/,
  );
});

test("no secret appeared on any output except token's", () => {
  assert.ok(secrets.size >= 8);
  const all = shown.join("\n");
  for (const s of secrets) assert.equal(all.includes(s), false, `leaked ${s.slice(0, 6)}…`);
});
