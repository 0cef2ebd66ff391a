// The request path's spread check (scripts/check-spreads.mjs, part of `npm run check`): it flags
// spread-then-add object literals, passes a lone spread copy and a marked literal, and the
// repository's request path is clean.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "..", "..");
const script = resolve(root, "scripts", "check-spreads.mjs");

function flagged(source: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { findSpreads } from ${JSON.stringify(pathToFileURL(script).href)};
       console.log(JSON.stringify(findSpreads("x.ts", ${JSON.stringify(source)})));`,
    ],
    { encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}

test("spread-then-add literals are flagged; a lone copy and a marked literal are not", () => {
  assert.equal(flagged("const a = { ...x, k: 1 };").length, 1);
  assert.equal(flagged("const a = { ...x, ...y };").length, 1);
  assert.equal(flagged("const a = { k: 1, ...x };").length, 1);
  assert.equal(flagged("f({ ...options, method: 'GET' });").length, 1);
  assert.deepEqual(flagged("const a = { ...x };"), []);
  assert.deepEqual(flagged("const a = { k: 1, j: 2 };"), []);
  assert.deepEqual(flagged("// spread-ok: once at start-up\nconst a = { ...x, k: 1 };"), []);
});

test("the request path has no unmarked spread-then-add literal", () => {
  const out = execFileSync(process.execPath, [script], { cwd: root, encoding: "utf8" });
  assert.match(out, /no spread-then-add object literals/);
});
