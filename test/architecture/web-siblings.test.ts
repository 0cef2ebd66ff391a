// The portable build is type-checked as itself: every X.web.ts exports what its X.ts exports, with
// types assignable both ways (scripts/check-web-siblings.ts), and tsconfig.portable.json covers
// index.portable.ts's graph with the web siblings swapped in and no Node-only module in it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";
import ts from "typescript";
import { checkRepository, compareSiblings, findSiblings } from "../../scripts/check-web-siblings.js";

const repo = resolve(import.meta.dirname, "..", "..");
// Paths below are relative to the library package, where src/ and tsconfig.portable.json are.
const root = join(repo, "packages", "intuit-oauth-client");

test("every web sibling in src/ exports the same names with the same types as its Node module", () => {
  const { pairs, problems } = checkRepository(repo);
  assert.deepEqual(problems, []);
  const webFiles = pairs.map(([, web]) => relative(root, web));
  for (const expected of ["src/crypto/rsa.web.ts", "src/crypto/digest.web.ts", "src/common/bytes.web.ts"])
    assert.ok(webFiles.includes(expected), expected);
});

test("the check refuses a pair like the old rsa.ts (boolean) and rsa.web.ts (Promise<boolean>)", () => {
  const dir = mkdtempSync(join(tmpdir(), "web-siblings-"));
  try {
    const common = "export type Key = { readonly imported: true };\nexport const MIN_RSA_BITS = 2048;\n";
    writeFileSync(
      join(dir, "rsa.ts"),
      `${common}export function verifyRs256(key: Key): boolean { return key.imported; }\n`,
    );
    writeFileSync(
      join(dir, "rsa.web.ts"),
      `${common}export function verifyRs256(key: Key): Promise<boolean> { return Promise.resolve(key.imported); }\n` +
        "export const onlyHere = 1;\n",
    );
    writeFileSync(join(dir, "lonely.web.ts"), "export const x = 1;\n");
    const { pairs, orphans } = findSiblings(dir);
    assert.deepEqual(orphans, [join(dir, "lonely.web.ts")]);
    const options: ts.CompilerOptions = {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      types: [],
    };
    const problems = compareSiblings(pairs, options, dir);
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.match(
      problems[0] ?? "",
      /verifyRs256 differs: \(key: Key\) => boolean \(Node\) vs \(key: Key\) => Promise<boolean> \(web\)/,
    );
    assert.match(problems[1] ?? "", /onlyHere is exported by the web sibling only/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tsconfig.portable.json checks index.portable.ts with the web siblings and no Node-only module", () => {
  const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.portable.json", "--listFilesOnly"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const files = r.stdout
    .split("\n")
    .filter((f) => f.includes("/src/"))
    .map((f) => relative(root, f.trim()));
  for (const web of [
    "src/crypto/rsa.web.ts",
    "src/crypto/digest.web.ts",
    "src/common/bytes.web.ts",
    "src/http/default-transport.web.ts",
  ])
    assert.ok(files.includes(web), web);
  for (const nodeOnly of [
    "src/crypto/rsa.ts",
    "src/crypto/digest.ts",
    "src/common/bytes.ts",
    "src/http/node-transport.ts",
    "src/stores/file/token-store.ts",
    "src/stores/redis/client.ts",
  ])
    assert.ok(!files.includes(nodeOnly), nodeOnly);
  assert.ok(!r.stdout.includes("@types/node"), "no Node types in the portable check");
});
