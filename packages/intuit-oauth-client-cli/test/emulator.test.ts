// `intuit-oauth-client-cli emulator`: prints where it listens and its public test credentials, serves, closes
// cleanly (exit 0) on SIGINT and SIGTERM, and keeps its grants in a state file, so tokens the CLI
// stored still refresh after a restart (unless --ephemeral).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AuthClient, FileTokenStore, Scopes, TokenManager } from "../../intuit-oauth-client/src/index.js";
import { CLI, cliEnv, freePort, runCli } from "./helpers.js";

interface RunningEmulator {
  url: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<[number | null, string | null]>;
}

/** Starts `intuit-oauth-client-cli emulator ...args` and resolves once its banner is out. */
function startCliEmulator(args: string[], env: Record<string, string>): Promise<RunningEmulator> {
  const child = spawn(process.execPath, [CLI, "emulator", ...args], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  return new Promise((resolve, reject) => {
    void exited.then(([code]) => reject(new Error(`emulator exited ${code}: ${stderr}`)));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (!stdout.includes("Press Ctrl-C to stop.")) return;
      const url = /^Intuit emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)?.[1];
      if (!url) return reject(new Error(stdout));
      resolve({
        url,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: (signal = "SIGTERM") => {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

function scratch(): { home: string; env: Record<string, string>; defaultStateFile: string } {
  const home = mkdtempSync(join(tmpdir(), "cli-emulator-"));
  const config = join(home, "config");
  return {
    home,
    env: cliEnv({ HOME: home, XDG_CONFIG_HOME: config, INTUIT_OAUTH_STORE_DIR: join(home, "store") }),
    defaultStateFile: join(config, "intuit-oauth-client", "emulator-state.json"),
  };
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`emulator prints its URL and credentials, serves discovery, and stops on ${signal}`, async () => {
    const { env, defaultStateFile } = scratch();
    const emu = await startCliEmulator(["--port", "0", "--admin"], env);
    const { url } = emu;
    const stdout = emu.stdout();
    assert.match(stdout, new RegExp(`discovery URL: ${url}/\\.well-known/openid-configuration\\n`));
    assert.match(stdout, /client id: +emulator-client-id\n/);
    assert.match(stdout, /client secret: +emulator-client-secret \(a public test value\)\n/);
    assert.match(stdout, /redirect URI: +http:\/\/127\.0\.0\.1:8000\/callback/);
    assert.match(stdout, new RegExp(`admin API: +${url}/__admin\\n`));
    assert.ok(stdout.includes(`  state:         ${defaultStateFile}\n`), stdout);
    const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    // Intuit's own issuer by default (issue 15 item 6); --issuer overrides it.
    assert.equal(doc.issuer, "https://oauth.platform.intuit.com/op/v1");
    assert.match(stdout, /issuer: +https:\/\/oauth\.platform\.intuit\.com\/op\/v1\n/);
    assert.deepEqual(await emu.stop(signal), [0, null]);
    assert.match(emu.stdout(), /Emulator stopped\.\n$/);
    assert.equal(emu.stderr(), "");
    // Persisted by default, privately: the file holds test tokens and the signing key.
    assert.equal(statSync(defaultStateFile).mode & 0o777, 0o600);
    assert.equal(statSync(join(env["XDG_CONFIG_HOME"]!, "intuit-oauth-client")).mode & 0o777, 0o700);
  });
}

/** What `login` leaves behind, made through the running CLI emulator: a grant and stored tokens. */
async function connect(discoveryUrl: string, storeDir: string): Promise<string> {
  const client = await AuthClient.create({
    clientId: "emulator-client-id",
    clientSecret: "emulator-client-secret",
    redirectUri: "http://127.0.0.1:8000/callback",
    environment: discoveryUrl,
  });
  // --auto-approve: the authorization URL redirects straight to the callback with a code.
  const consent = await fetch(client.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId]), {
    redirect: "manual",
  });
  assert.equal(consent.status, 302);
  const token = await client.handleCallback(consent.headers.get("location")!);
  await new TokenManager({ authClient: client, store: new FileTokenStore({ directory: storeDir }) }).save(
    token.realmId!,
    token,
  );
  return token.realmId!;
}

/** Start, connect, stop, start again (same port), then refresh with the stored tokens. */
async function restartAndRefresh(stateArgs: string[]) {
  const { env, defaultStateFile } = scratch();
  const port = String(await freePort());
  const first = await startCliEmulator(["--port", port, "--auto-approve", ...stateArgs], env);
  const app = {
    ...env,
    INTUIT_CLIENT_ID: "emulator-client-id",
    INTUIT_CLIENT_SECRET: "emulator-client-secret",
    INTUIT_ENVIRONMENT: `${first.url}/.well-known/openid-configuration`,
  };
  const realmId = await connect(app.INTUIT_ENVIRONMENT, env["INTUIT_OAUTH_STORE_DIR"]!);
  assert.deepEqual(await first.stop(), [0, null]);
  const second = await startCliEmulator(["--port", port, ...stateArgs], env);
  try {
    const refresh = await runCli(["refresh"], app);
    const call = await runCli(["call", "companyinfo/{realmId}"], app);
    return { realmId, refresh, call, defaultStateFile, secondBanner: second.stdout() };
  } finally {
    await second.stop();
  }
}

test("restarting the emulator keeps its grants: the CLI's stored token still refreshes", async () => {
  const { realmId, refresh, call, defaultStateFile } = await restartAndRefresh([]);
  assert.equal(refresh.stderr, "");
  assert.equal(refresh.code, 0);
  assert.match(refresh.stdout, new RegExp(`^Refreshed realm ${realmId}\\.\\n`));
  assert.equal(call.code, 0, call.stderr);
  assert.equal(
    (JSON.parse(call.stdout) as { CompanyInfo: { CompanyName: string } }).CompanyInfo.CompanyName,
    "Sandbox Company_US_1",
  );
  assert.ok(existsSync(defaultStateFile));

  // docs/cli.md shows what `refresh` prints, line for line (values aside).
  const docs = readFileSync(join(process.cwd(), "docs", "cli.md"), "utf8");
  const block = /```\n\$ intuit-oauth-client-cli refresh\n([\s\S]*?)```/.exec(docs)?.[1];
  assert.ok(block, "docs/cli.md has a `$ intuit-oauth-client-cli refresh` example");
  const shape = (text: string) =>
    text
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "<time>")
      .replace(/RT1-\d+-H0-…\(\d+ chars, #[0-9a-f]{6}\)/g, "<refresh token>")
      .replace(/1-[0-9a-f]{8}-[0-9a-f]{24}/g, "<intuit_tid>")
      .replace(/\b\d{16}\b/g, "<realm>");
  assert.equal(shape(block), shape(refresh.stdout));
});

test("--ephemeral keeps state in memory: after a restart the stored token is refused", async () => {
  const { realmId, refresh, defaultStateFile, secondBanner } = await restartAndRefresh(["--ephemeral"]);
  assert.equal(refresh.code, 1);
  assert.equal(
    refresh.stderr,
    `intuit-oauth-client-cli: Realm ${realmId} must be reconnected (invalid_grant). Run \`intuit-oauth-client-cli login\` to reconnect.\n`,
  );
  assert.match(secondBanner, /state: +in memory \(--ephemeral\): a restart forgets every grant\n/);
  assert.equal(existsSync(defaultStateFile), false);
});

test("--state-file sets where; a file the emulator did not write is refused and left alone", async () => {
  const { home, env, defaultStateFile } = scratch();
  const file = join(home, "elsewhere", "emu.json");
  const emu = await startCliEmulator(["--port", "0", "--state-file", file], env);
  assert.ok(emu.stdout().includes(`  state:         ${file}\n`), emu.stdout());
  assert.deepEqual(await emu.stop(), [0, null]);
  assert.equal((JSON.parse(readFileSync(file, "utf8")) as { version: number }).version, 1);
  assert.equal(existsSync(defaultStateFile), false);

  const notOurs = join(home, "notes.json");
  writeFileSync(notOurs, "my notes, not JSON");
  const r = await runCli(["emulator", "--port", "0", "--state-file", notOurs], env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(
    r.stderr,
    `intuit-oauth-client-cli: The emulator state file ${notOurs} is not one this emulator wrote (or is damaged). ` +
      "Move it away, or run with --ephemeral or another --state-file.\n",
  );
  assert.equal(readFileSync(notOurs, "utf8"), "my notes, not JSON");
});

test("a port in use says so and suggests --port 0", async () => {
  const { env } = scratch();
  const emu = await startCliEmulator(["--port", "0", "--ephemeral"], env);
  const port = new URL(emu.url).port;
  try {
    const r = await runCli(["emulator", "--port", port, "--ephemeral"], env);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      `intuit-oauth-client-cli: Port ${port} on 127.0.0.1 is already in use (another emulator?). ` +
        "Run with --port 0 to take any free port, or --port N for another one.\n",
    );
  } finally {
    await emu.stop();
  }
});
