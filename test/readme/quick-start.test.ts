// Runs the README's quick start block, as written, against the emulator. The only stand-in is
// `receiveCallback(url)`, which plays the user's browser (the emulator approves consent).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { startEmulator } from "../../src/emulator/index.js";

const root = resolve(import.meta.dirname, "..", "..");

function quickStartBlock(): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const m = /<!-- quick-start:begin -->\s*```ts\n([\s\S]*?)```\s*<!-- quick-start:end -->/.exec(readme);
  assert.ok(m, "README has a quick-start block");
  return m[1]!;
}

test("the README quick start runs as written against the emulator", async (t) => {
  const emu = await startEmulator({ port: 0, autoApprove: true });
  t.after(() => emu.close());
  const dir = join(root, ".tmp", `readme-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const code = quickStartBlock().replace(
    'from "intuit-oauth-client"',
    `from ${JSON.stringify(join(root, "src", "index.ts"))}`,
  );
  writeFileSync(join(dir, "quick-start.ts"), code);
  writeFileSync(
    join(dir, "browser.mjs"),
    `globalThis.receiveCallback = async (url) => (await fetch(url, { redirect: "manual" })).headers.get("location");\n`,
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--import", join(dir, "browser.mjs"), join(dir, "quick-start.ts")],
    {
      cwd: root,
      env: {
        ...process.env,
        INTUIT_CLIENT_ID: emu.defaultClient.clientId,
        INTUIT_CLIENT_SECRET: emu.defaultClient.clientSecret,
        INTUIT_REDIRECT_URI: emu.defaultClient.redirectUri,
        INTUIT_ENVIRONMENT: emu.discoveryUrl,
      },
      timeout: 60_000,
    },
  );
  const lines = stdout.trim().split("\n");
  const company = emu.companies[0]!;
  assert.match(lines[0]!, new RegExp(`^${company.realmId} 3600 \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(lines[1], company.companyName);
  assert.match(lines[2]!, new RegExp(` ${company.realmId}$`));
  assert.match(lines[3]!, /^400 \{"error":"invalid_grant".*\} \S+ true$/);
  assert.equal(lines.length, 4);
});
