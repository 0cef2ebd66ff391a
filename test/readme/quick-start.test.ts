// Runs the README's quick start block, as written, against the emulator. The test plays the
// user's browser: it opens the URL the script prints (the emulator approves consent at once) and
// follows the redirect to the script's own callback listener.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { startEmulator } from "../../packages/intuit-oauth-client-emulator/src/index.js";

const root = resolve(import.meta.dirname, "..", "..");

function quickStartBlock(): string {
  const readme = readFileSync(join(root, "packages", "intuit-oauth-client", "README.md"), "utf8");
  const m = /<!-- quick-start:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- quick-start:end -->/.exec(readme);
  assert.ok(m, "README has a quick-start block");
  return m[1]!;
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

test("the README quick start runs as written against the emulator", async (t) => {
  const redirectUri = `http://localhost:${await freePort()}/callback`;
  const emu = await startEmulator({ port: 0, autoApprove: true, redirectUris: [redirectUri] });
  t.after(() => emu.close());
  const dir = join(root, ".tmp", `readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const code = quickStartBlock().replace(
    'from "intuit-oauth-client"',
    `from ${JSON.stringify(join(root, "packages", "intuit-oauth-client", "src", "index.ts"))}`,
  );
  writeFileSync(join(dir, "quick-start.ts"), code);
  const child = spawn(process.execPath, ["--import", "tsx", join(dir, "quick-start.ts")], {
    cwd: root,
    env: {
      ...process.env,
      INTUIT_CLIENT_ID: emu.defaultClient.clientId,
      INTUIT_CLIENT_SECRET: emu.defaultClient.clientSecret,
      INTUIT_REDIRECT_URI: redirectUri,
      INTUIT_ENVIRONMENT: emu.discoveryUrl,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killer = setTimeout(() => child.kill(), 60_000);
  let stdout = "";
  let stderr = "";
  let opened = false;
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    const url = /^Open this URL in your browser:\n(\S+)$/m.exec(stdout)?.[1];
    if (url && !opened) {
      opened = true;
      // The "browser": the emulator redirects at once to the script's callback listener.
      void fetch(url).then((res) => res.text());
    }
  });
  const code_ = await new Promise<number | null>((done) => child.on("exit", done));
  clearTimeout(killer);
  assert.equal(code_, 0, stderr);
  const lines = stdout.trim().split("\n").slice(2);
  const company = emu.companies[0]!;
  assert.match(lines[0]!, new RegExp(`^${company.realmId} 3600 \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(lines[1], company.companyName);
  assert.match(lines[2]!, new RegExp(` ${company.realmId}$`));
  assert.match(lines[3]!, /^400 \{"error":"invalid_grant".*\} \S+ true$/);
  assert.equal(lines.length, 4);
});
