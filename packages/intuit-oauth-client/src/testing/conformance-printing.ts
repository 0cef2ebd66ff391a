// Conformance: records print redacted. Every record a store returns (get, list, listPage, listDue),
// with or without an encryption key, shows `[redacted]` for its tokens under util.inspect,
// console.log, Deno's console, String() and template literals; JSON.stringify keeps every field,
// since it is the storage form. parseRecord, the codec and copyRecord build records that way, so a
// store that reads through them passes. The library's security tests use the same check.
import assert from "node:assert/strict";
import { Console } from "node:console";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { Writable } from "node:stream";
import { inspect } from "node:util";
import type { TokenSet } from "../oauth/token-set.js";
import type { TokenStore } from "../tokens/store.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

const DENO_INSPECT = Symbol.for("Deno.customInspect");

/** What console.log writes for `value` (plain and `%o`): a Console of its own, into a string. */
function consoleLogOf(value: unknown): string {
  let out = "";
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      out += String(chunk);
      done();
    },
  });
  const log = new Console({ stdout: sink, colorMode: false });
  log.log(value);
  log.log("%o", value);
  return out;
}

/** Deno's console calls this hook on every object it prints that has one, nested ones too. */
function denoViewOf(value: unknown): string {
  const seen: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (typeof v !== "object" || v === null || depth > 5) return;
    const hook = (v as Record<symbol, unknown>)[DENO_INSPECT];
    if (typeof hook === "function")
      seen.push(String(hook.call(v, (x: unknown) => inspect(x, { depth: 10 }), {})));
    else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
    else {
      seen.push(`{${Object.keys(v).join(",")}}`);
      for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
  return seen.join("\n");
}

/**
 * Every printed view of `value` (a record, a token set, or a list of them) hides the tokens of
 * `sets`, and the inspectors say `[redacted]`; JSON keeps the access and refresh tokens.
 */
export function assertPrintsRedacted(value: unknown, sets: readonly TokenSet[], where: string): void {
  const views: Record<string, string> = {
    "util.inspect": inspect(value, { depth: 10 }),
    "util.inspect (getters)": inspect(value, { depth: 10, getters: true }),
    "console.log": consoleLogOf(value),
    Deno: denoViewOf(value),
    "String()": String(value),
    "template literal": `${value as string}`,
  };
  for (const [view, shown] of Object.entries(views))
    for (const set of sets)
      for (const secret of [set.accessToken, set.refreshToken, set.idToken])
        if (secret)
          assert.ok(!shown.includes(secret), `${where}, ${view} shows a token: ${shown.slice(0, 400)}`);
  for (const view of ["util.inspect", "console.log", "Deno"])
    assert.match(views[view] ?? "", /\[redacted\]/, `${where}, ${view} says what it hid`);
  const json = JSON.stringify(value);
  for (const set of sets) {
    assert.ok(json.includes(set.accessToken), `${where}: JSON keeps the access token`);
    assert.ok(json.includes(set.refreshToken), `${where}: JSON keeps the refresh token`);
  }
}

/** Stores two records and checks every read of them prints redacted. */
async function checkStore(store: TokenStore, label: string): Promise<void> {
  // fullRecord is marked for reauthorization, so only the minimal one is due.
  const records = [fullRecord("4620816365000000101"), minimalRecord("4620816365000000102")];
  for (const r of records) await store.set(r);
  const sets = records.map((r) => r.token);
  const [full, minimal] = sets as [TokenSet, TokenSet];
  const got = await store.get("4620816365000000101");
  assertPrintsRedacted(got, [full], `${label}get()`);
  assertPrintsRedacted(got?.token, [full], `${label}get().token`);
  assertPrintsRedacted((await store.get("4620816365000000102"))?.token, [minimal], `${label}get() (minimal)`);
  assertPrintsRedacted(await store.list(), sets, `${label}list()`);
  if (store.listPage) assertPrintsRedacted((await store.listPage(10)).records, sets, `${label}listPage()`);
  if (store.listDue)
    assertPrintsRedacted(
      (await store.listDue(Number.MAX_SAFE_INTEGER, 10)).records,
      [minimal],
      `${label}listDue()`,
    );
  // JSON stays the storage form: what a store returns serialises back to what was stored.
  assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(records[0])));
}

/** Registers the tests of redacted printing. */
export function printingConformance(withStore: WithStore): void {
  test(
    "records print redacted: get, list, listPage and listDue never show a token; JSON keeps them",
    withStore(async ({ store }) => {
      await checkStore(store, "");
    }),
  );

  test(
    "records read through an encryption key print redacted too",
    withStore(async (f, t) => {
      if (!f.reopen) return t.skip("the fixture has no reopen(), so no store with a key");
      const encrypted = await f.reopen({ encryptionKey: randomBytes(32) });
      try {
        await checkStore(encrypted, "with a key: ");
      } finally {
        await encrypted.close?.();
      }
    }),
  );
}
