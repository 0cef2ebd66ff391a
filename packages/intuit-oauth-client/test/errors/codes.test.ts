// Every error class the package exports has a stable code that agrees with its name, is in the
// IntuitOAuthErrorCode table (code → class name, which the guards use), and is listed in docs/api.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ERROR_CLASS_NAMES } from "../../src/common/errors.js";
import * as lib from "../../src/index.js";
import * as postgres from "../../src/postgres.js";
import * as redis from "../../src/redis.js";

const root = resolve(import.meta.dirname, "..", "..");
const classes = Object.entries({ ...lib, ...redis, ...postgres }).filter(
  (e): e is [string, typeof lib.IntuitOAuthError] =>
    typeof e[1] === "function" &&
    (e[1] === lib.IntuitOAuthError || e[1].prototype instanceof lib.IntuitOAuthError),
);

/** `RealmMismatchError` → `ERR_REALM_MISMATCH`; a few names are one word in Intuit's vocabulary. */
function expectedCode(name: string): string {
  const words = name
    .replace(/Error$/, "")
    .replace("QuickBooks", "Quickbooks")
    .replace("UserInfo", "Userinfo")
    .replace("IntuitOAuth", "IntuitOauth")
    .split(/(?=[A-Z])/);
  return `ERR_${words.join("_").toUpperCase()}`;
}

test("every exported error class's code is ERR_ plus its name", () => {
  assert.ok(classes.length >= 25, `${classes.length} error classes`);
  for (const [name, cls] of classes) {
    assert.equal(cls.name, name);
    assert.equal(cls.code, expectedCode(name), name);
  }
});

test("the code table in src/common/errors.ts and docs/api.md list exactly these codes and classes", () => {
  assert.deepEqual(
    Object.entries(ERROR_CLASS_NAMES).sort(),
    classes.map(([name, cls]) => [cls.code, name]).sort(),
  );
  const inUnion = new Set(Object.keys(ERROR_CLASS_NAMES));
  const docs = readFileSync(join(root, "..", "..", "docs", "api.md"), "utf8");
  const documented = new Set([...docs.matchAll(/^\| `(ERR_[A-Z_]+)`/gm)].map((m) => m[1]));
  const codes = new Set(classes.map(([, cls]) => cls.code));
  assert.deepEqual([...inUnion].sort(), [...codes].sort());
  assert.deepEqual([...documented].sort(), [...codes].sort());
});
