// The import rules of the packages (.dependency-cruiser.cjs, run by `npm run check`) hold today, and
// they catch a violation: the same config run on a copy of packages/ with one bad import fails on it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";

const root = resolve(import.meta.dirname, "..", "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

function cruise(cwd: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [depcruise, "packages", "--config", ".dependency-cruiser.cjs"], {
    cwd,
    encoding: "utf8",
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test("packages/ follow the import rules", () => {
  const r = cruise(root);
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /no dependency violations found/);
});

const LIB = "packages/intuit-oauth-client/src";
const violations: Array<[string, string, string]> = [
  ["tokens reaching up into api", `${LIB}/tokens/realm-id.ts`, 'import "../api/url.js";'],
  [
    "the emulator importing the library",
    "packages/intuit-oauth-client-emulator/src/clock.ts",
    'import "../../intuit-oauth-client/src/common/errors.js";',
  ],
  ["common importing http", `${LIB}/common/sleep.ts`, 'import "../http/errors.js";'],
  ["a circle inside oauth", `${LIB}/oauth/scopes.ts`, 'import "./authorization-request.js";'],
  ["importing a .web.ts sibling directly", `${LIB}/oauth/id-token.ts`, 'import "../crypto/rsa.web.js";'],
  ["a library module importing the error union", `${LIB}/api/url.ts`, 'import "../errors.js";'],
  [
    "the protocol face exporting the client",
    `${LIB}/protocol.ts`,
    'export { AuthClient } from "./client/auth-client.js";',
  ],
  [
    "a library module importing the protocol face",
    `${LIB}/client/auth-client.ts`,
    'import "../protocol.js";',
  ],
  [
    "the CLI importing the library by a relative path",
    "packages/intuit-oauth-client-cli/src/call.ts",
    'import "../../intuit-oauth-client/src/index.js";',
  ],
  [
    "the CLI importing inside the library",
    "packages/intuit-oauth-client-cli/src/call.ts",
    'import "../../intuit-oauth-client/src/api/url.js";',
  ],
];

for (const [what, file, line] of violations) {
  test(`a violation fails the check: ${what}`, () => {
    const dir = mkdtempSync(join(tmpdir(), "arrows-"));
    try {
      for (const f of ["packages", "tsconfig.json", ".dependency-cruiser.cjs", "package.json"])
        cpSync(join(root, f), join(dir, f), {
          recursive: true,
          filter: (from) => !/[/\\](dist|node_modules|test)$/.test(from),
        });
      appendFileSync(join(dir, file), `\n${line}\n`);
      const r = cruise(dir);
      assert.notEqual(r.status, 0, r.out);
      assert.match(r.out, /error /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
