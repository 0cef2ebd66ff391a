// The conformance suite as users get it: `intuit-oauth-client/store-kit/testing` from the built package, with
// `import` and with `require`, run by `node --test` against the package's own MemoryTokenStore and a
// FileTokenStore, and against a broken store, which it must fail.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const built = existsSync(join(root, "dist", "index.js"));
const skip = !built && "dist/ is missing: run `npm run build` (npm test does)";
// Inside the package, so that `intuit-oauth-client/...` resolves through its own `exports` map.
const scratch = join(root, "test-output", "testing-subpath");

/** Runs one script with `node --test`; returns the counts from its TAP summary. */
function runSuite(file: string, body: string): { pass: number; fail: number; output: string } {
  mkdirSync(scratch, { recursive: true });
  const path = join(scratch, file);
  writeFileSync(path, body);
  // Without NODE_TEST_CONTEXT, or the child would think it runs inside this test file.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--test", "--test-reporter=tap", path], {
    cwd: root,
    encoding: "utf8",
    env: { ...env, NODE_OPTIONS: "", INTUIT_OAUTH_ENCRYPTION_KEY: "" },
  });
  const count = (what: string) => Number(new RegExp(`^# ${what} (\\d+)$`, "m").exec(r.stdout)?.[1] ?? NaN);
  return { pass: count("pass"), fail: count("fail"), output: r.stdout + r.stderr };
}

const STORES = `
const dir = mkdtempSync(join(tmpdir(), "intuit-testing-subpath-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
storeConformance("MemoryTokenStore", async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }));
let n = 0;
storeConformance("FileTokenStore", async () => {
  const directory = join(dir, String(n++));
  const file = (realmId) => join(directory, encodeURIComponent(realmId).replace(/\\./g, "%2E") + ".json");
  return {
    store: new FileTokenStore({ directory }),
    cleanup: async () => {},
    writeRaw: async (realmId, text) => {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      writeFileSync(file(realmId), text);
    },
    readRaw: async (realmId) => (existsSync(file(realmId)) ? readFileSync(file(realmId), "utf8") : undefined),
    reopen: async (options) => new FileTokenStore({ directory, ...options }),
  };
});
`;

test(
  "import: the suite from intuit-oauth-client/store-kit/testing passes for the package's own stores",
  { skip },
  () => {
    const r = runSuite(
      "esm.test.mjs",
      `import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileTokenStore, MemoryTokenStore } from "intuit-oauth-client";
import { storeConformance, minimalRecord, fullRecord } from "intuit-oauth-client/store-kit/testing";
if (minimalRecord("4620816365").realmId !== "4620816365" || fullRecord("4620816365").warningsSent.length !== 2) throw new Error("records");
${STORES}`,
    );
    assert.equal(r.fail, 0, r.output);
    assert.ok(r.pass >= 30, `${r.pass} tests passed:\n${r.output}`);
  },
);

test("require: the CommonJS build of the suite works too", { skip }, () => {
  const r = runSuite(
    "cjs.test.cjs",
    `const { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { FileTokenStore, MemoryTokenStore } = require("intuit-oauth-client");
const { storeConformance } = require("intuit-oauth-client/store-kit/testing");
${STORES}`,
  );
  assert.equal(r.fail, 0, r.output);
  assert.ok(r.pass >= 30, `${r.pass} tests passed:\n${r.output}`);
});

test("the suite fails a store that breaks the contract", { skip }, () => {
  const r = runSuite(
    "broken.test.mjs",
    `import { MemoryTokenStore } from "intuit-oauth-client";
import { storeConformance } from "intuit-oauth-client/store-kit/testing";
// Returns the records newest-first and accepts an empty realm id: two broken rules.
class Broken extends MemoryTokenStore {
  async list() { return (await super.list()).reverse(); }
  async get(realmId) { return realmId === "" ? undefined : super.get(realmId); }
}
storeConformance("Broken", async () => ({ store: new Broken(), cleanup: async () => {} }));
// Hands out plain copies of its records, whose tokens print in full.
class Unredacted extends MemoryTokenStore {
  async get(realmId) { const r = await super.get(realmId); return r && JSON.parse(JSON.stringify(r)); }
}
storeConformance("Unredacted", async () => ({ store: new Unredacted(), cleanup: async () => {} }));`,
  );
  assert.ok(r.fail >= 3, r.output);
  assert.match(r.output, /not ok \d+ - list returns every stored record, ascending by realmId/);
  assert.match(r.output, /not ok \d+ - realm ids: one rule everywhere/);
  assert.match(r.output, /not ok \d+ - records print redacted/);
});

after(() => rmSync(scratch, { recursive: true, force: true }));
