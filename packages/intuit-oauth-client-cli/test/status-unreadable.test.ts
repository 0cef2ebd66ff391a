// One unreadable token file must not hide the others: `status` lists every readable realm, names
// each broken file and its realm, and exits 1; the other commands still work on the healthy realms.
// A real FileTokenStore directory with a corrupt file and a misplaced one, run through the built CLI.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FileTokenStore, type TokenRecord } from "../../intuit-oauth-client/src/index.js";
import { cliEnv, runCli } from "./helpers.js";

const HEALTHY_1 = "9341453050198161";
const CORRUPT = "9341453050198162";
const HEALTHY_2 = "9341453050198163";
const MISPLACED = "9341453050198164";
const HOUR = 3_600_000;

let home: string;
let dir: string;
let env: Record<string, string>;
const now = Date.now();

function record(realmId: string): TokenRecord {
  return {
    realmId,
    token: {
      accessToken: `access-${realmId}-secret`,
      refreshToken: `RT1-${realmId}-secret`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8_726_400,
      realmId,
      accessTokenExpiresAt: now + HOUR,
      refreshTokenExpiresAt: now + 8_726_400_000,
      receivedAt: now,
    },
    updatedAt: now,
  };
}

const CORRUPT_TEXT = '{"realmId":"9341453050198162","token":{"accessToken":"half-writ';

before(async () => {
  home = mkdtempSync(join(tmpdir(), "cli-status-"));
  dir = join(home, "tokens");
  const store = new FileTokenStore({ directory: dir });
  await store.set(record(HEALTHY_1));
  await store.set(record(HEALTHY_2));
  // A truncated write (the kind a full disk leaves), and a file copied under another realm's name.
  writeFileSync(join(dir, `${CORRUPT}.json`), CORRUPT_TEXT, { mode: 0o600 });
  writeFileSync(join(dir, `${MISPLACED}.json`), JSON.stringify(record(HEALTHY_1)), { mode: 0o600 });
  env = cliEnv({
    HOME: home,
    XDG_CONFIG_HOME: join(home, "config"),
    INTUIT_OAUTH_STORE_DIR: dir,
    // `token` builds a client; its stored access tokens are fresh, so nothing goes over the network.
    INTUIT_CLIENT_ID: "test-client-id",
    INTUIT_CLIENT_SECRET: "test-client-secret",
  });
});

after(() => rmSync(home, { recursive: true, force: true }));

test("status lists the healthy realms, names each broken file and its realm, and exits 1", async () => {
  const r = await runCli(["status"], env);
  assert.equal(r.code, 1, r.stderr);
  // Every realm, readable or not, in realm order, each with its own block.
  const heads = r.stdout.split("\n").filter((line) => line.startsWith("realm "));
  assert.deepEqual(heads, [
    `realm ${HEALTHY_1}: valid`,
    `realm ${CORRUPT}: unreadable (corrupt)`,
    `realm ${HEALTHY_2}: valid`,
    `realm ${MISPLACED}: unreadable (realm_mismatch)`,
  ]);
  const block = (realmId: string) => r.stdout.split("\n\n").find((b) => b.startsWith(`realm ${realmId}:`))!;
  assert.match(block(HEALTHY_1), /\n {2}access token expires: +\d{4}-\d\d-\d\dT/);
  assert.match(block(CORRUPT), new RegExp(`\\n {2}file: +${join(dir, `${CORRUPT}.json`)}\\n`));
  assert.match(block(CORRUPT), /\n {2}problem: +.*corrupt: stored token record is not valid JSON\n/);
  assert.match(
    block(CORRUPT),
    /\n {2}fix: +restore the file from a backup, or delete it and run `intuit-oauth-client-cli login`/,
  );
  assert.match(block(MISPLACED), new RegExp(`\\n {2}file: +${join(dir, `${MISPLACED}.json`)}\\n`));
  assert.match(block(MISPLACED), /belong to another realm/);
  assert.equal(
    r.stderr,
    `intuit-oauth-client-cli: 2 token files could not be read: ${join(dir, `${CORRUPT}.json`)} (realm ${CORRUPT}), ` +
      `${join(dir, `${MISPLACED}.json`)} (realm ${MISPLACED}). The readable realms are listed above.\n`,
  );
  // Nothing is lost or rewritten, and no token value is shown.
  assert.equal(readFileSync(join(dir, `${CORRUPT}.json`), "utf8"), CORRUPT_TEXT);
  assert.doesNotMatch(r.stdout + r.stderr, /secret|half-writ/);
});

test("with only unreadable files, status still names them and exits 1", async () => {
  const only = join(home, "only-broken");
  await new FileTokenStore({ directory: only }).set(record(HEALTHY_1));
  writeFileSync(join(only, `${HEALTHY_1}.json`), "not json at all", { mode: 0o600 });
  const r = await runCli(["status", "--store-dir", only], env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^realm ${HEALTHY_1}: unreadable \\(corrupt\\)$`, "m"));
  assert.doesNotMatch(r.stdout, /No QuickBooks company is connected/);
  assert.match(r.stderr, /^intuit-oauth-client-cli: 1 token file could not be read: /);
});

test("the other commands still work for a healthy realm, and name the file for a broken one", async () => {
  // `--realm` picks a healthy realm as if the broken files were not there (the token needs no network).
  const ok = await runCli(["token", "--realm", HEALTHY_2], env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `access-${HEALTHY_2}-secret\n`);
  assert.equal(ok.stderr, "");
  // Asking for the broken realm says which file is broken, instead of "no tokens are stored".
  const broken = await runCli(["token", "--realm", CORRUPT], env);
  assert.equal(broken.code, 1);
  assert.equal(broken.stdout, "");
  assert.match(broken.stderr, new RegExp(`${join(dir, `${CORRUPT}.json`)}.*corrupt`));
  assert.doesNotMatch(broken.stderr, /No tokens are stored/);
  // Without --realm, the broken realms still count: choosing among them is the user's decision.
  const ambiguous = await runCli(["token"], env);
  assert.equal(ambiguous.code, 2);
  assert.match(
    ambiguous.stderr,
    new RegExp(`choose one with --realm: ${HEALTHY_1}, ${CORRUPT} \\(unreadable\\)`),
  );
});
