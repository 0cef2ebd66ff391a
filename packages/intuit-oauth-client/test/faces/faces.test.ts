// The root face stays an application's face (at most 60 runtime names), and every subpath's runtime
// names are listed in docs/api.md's "Subpaths" section, so a reader can find where a name lives.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as root from "../../src/index.js";
import * as protocol from "../../src/protocol.js";
import * as quickbooks from "../../src/quickbooks.js";
import * as storeKit from "../../src/store-kit.js";
import * as testing from "../../src/testing/index.js";
import * as redis from "../../src/stores/redis/index.js";
import * as postgres from "../../src/stores/postgres/index.js";

const faces: Record<string, object> = {
  "intuit-oauth-client": root,
  "intuit-oauth-client/protocol": protocol,
  "intuit-oauth-client/quickbooks": quickbooks,
  "intuit-oauth-client/store-kit": storeKit,
  "intuit-oauth-client/store-kit/testing": testing,
  "intuit-oauth-client/redis": redis,
  "intuit-oauth-client/postgres": postgres,
};

test("the root face has at most 60 runtime names", () => {
  const names = Object.keys(root);
  assert.ok(names.length <= 60, `${names.length} names: ${names.join(" ")}`);
});

test("docs/api.md lists every runtime name of every subpath under that subpath", () => {
  const api = readFileSync(join(import.meta.dirname, "..", "..", "..", "..", "docs", "api.md"), "utf8");
  const section = api.slice(api.indexOf("## Subpaths"));
  assert.ok(section.length > 20, "docs/api.md has a Subpaths section");
  for (const [face, module] of Object.entries(faces)) {
    const start = section.indexOf(`### \`${face}\``);
    assert.ok(start >= 0, `docs/api.md has a heading for ${face}`);
    const next = section.indexOf("\n### ", start + 1);
    const text = section.slice(start, next < 0 ? undefined : next);
    const missing = Object.keys(module).filter((n) => !new RegExp(`\\b${n}\\b`).test(text));
    assert.deepEqual(missing, [], `${face}: names not listed in docs/api.md`);
  }
});
