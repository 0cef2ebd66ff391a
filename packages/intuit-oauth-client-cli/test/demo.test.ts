// `intuit-oauth-client-cli demo`: runs the built CLI and checks that every tutorial step ran and nothing leaked.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const CLI = join(process.cwd(), "packages", "intuit-oauth-client-cli", "dist", "cli.js");

test("demo exits 0, names all ten steps in order, and leaves the user's config alone", () => {
  const config = mkdtempSync(join(tmpdir(), "cli-demo-xdg-"));
  const r = spawnSync(process.execPath, [CLI, "demo"], {
    encoding: "utf8",
    timeout: 30_000,
    env: {
      ...process.env,
      XDG_CONFIG_HOME: config,
      INTUIT_OAUTH_STORE_DIR: join(config, "store"),
      // Offline means offline: a proxy in the environment (here one that is not there) is never used.
      HTTP_PROXY: "http://127.0.0.1:9",
      HTTPS_PROXY: "http://127.0.0.1:9",
    },
  });
  assert.equal(r.stderr, "");
  assert.equal(r.status, 0);
  const titles = [
    "Step 1/10: Generate the authorization URL",
    "Step 2/10: Consent: the user connects the app",
    "Step 3/10: Callback with the state check",
    "Step 4/10: Get the OAuth2 bearer token",
    "Step 5/10: Call the QuickBooks Online API (CompanyInfo)",
    "Step 6/10: Get user info (OpenID scope)",
    "Step 7/10: Validate the OpenID ID token",
    "Step 8/10: Refresh the tokens, showing rotation",
    "Step 9/10: Revoke the tokens, then see them refused",
    "Step 10/10: Handle an AuthClientError",
  ];
  const positions = titles.map((t) => r.stdout.indexOf(`\n${t}\n`));
  for (const [i, pos] of positions.entries()) assert.notEqual(pos, -1, `missing: ${titles[i]}`);
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
  );

  // What each step shows.
  assert.match(r.stdout, /tampered state: rejected: CallbackError \(state_mismatch\)/);
  assert.match(r.stdout, /token requests: 0 \(the code was never sent to Intuit\)/);
  assert.match(r.stdout, /CompanyName: Sandbox Company_US_1\n/);
  assert.match(r.stdout, /name: {2}Alex Sandbox\n/);
  assert.match(r.stdout, /email: alex\.sandbox@example\.com \(verified\)\n/);
  assert.match(r.stdout, /realmid: {3}9341453050198162\n/);
  assert.match(r.stdout, /aud: {7}emulator-client-id\n/);
  assert.match(r.stdout, /rotated: {15}yes: a new value, now stored\n/);
  assert.match(r.stdout, /API with the old access token: HTTP 401 /);
  assert.match(r.stdout, /refresh with the revoked token: refused: 400 invalid_grant\n/);
  assert.match(r.stdout, /statusCode: {7}400\n/);
  assert.match(r.stdout, /content: {10}\{"error":"invalid_grant","error_description":"Token invalid"\}\n/);
  assert.match(r.stdout, /intuitTid: {8}1-[0-9a-f]{8}-[0-9a-f]{24}\n/);
  assert.match(r.stdout, /access token expires: +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n/);

  // Shortened tokens only: no long base64url run (a whole access token, code or refresh tail) and no secret.
  assert.doesNotMatch(r.stdout, /emulator-client-secret/);
  assert.doesNotMatch(
    r.stdout.replace(/state[=:] *[\w-]{43}/g, "").replace(/^-+$/gm, ""),
    /[A-Za-z0-9_-]{40,}/,
  );
  // The real config directory was not used.
  assert.deepEqual(readdirSync(config), []);
});
