// `intuit-oauth-client-cli emulator --issuer URL` sets the issuer of discovery and ID tokens; a bad URL is a usage error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CLI, cliEnv, runCli } from "./helpers.js";

// A private home: the CLI emulator keeps its state under the config directory by default.
const home = mkdtempSync(join(tmpdir(), "cli-issuer-"));
const env = cliEnv({ HOME: home, XDG_CONFIG_HOME: join(home, "config") });

test("emulator --issuer sets the discovery document's issuer and prints it", async () => {
  const child = spawn(
    process.execPath,
    [CLI, "emulator", "--port", "0", "--issuer", "http://127.0.0.1:9/op"],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  const banner = new Promise<void>((resolve) =>
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (stdout.includes("Press Ctrl-C to stop.")) resolve();
    }),
  );
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  try {
    await banner;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    assert.ok(url, stdout);
    assert.match(stdout, /issuer: +http:\/\/127\.0\.0\.1:9\/op\n/);
    const doc = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    assert.equal(doc.issuer, "http://127.0.0.1:9/op");
  } finally {
    child.kill("SIGTERM");
  }
  assert.equal(await exited, 0);
});

test("emulator --issuer with a non-URL is a usage error (exit 2), nothing listens", async () => {
  const run = await runCli(["emulator", "--port", "0", "--issuer", "not a url"], env);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--issuer must be an absolute http\(s\) URL or self, not "not a url"/);
  assert.equal(run.stdout, "");
});
