// Issue 19 item 6: tokens printed in full. The token set the `refreshed` event hands listeners, and
// the records every store's get(), list(), listPage() and listDue() return, print redacted under
// util.inspect, console.log, Deno's inspector and String(). JSON.stringify is the storage form: it
// keeps every field (the stores and tokenSetFromJSON round-trip through it), so it is not redacted.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { inspect } from "node:util";
import {
  FileTokenStore,
  MemoryTokenStore,
  TokenManager,
  tokenSetFromJSON,
  type TokenRecord,
  type TokenSet,
  type TokenStore,
} from "../../src/index.js";
import { fullRecord, minimalRecord } from "../../src/testing/index.js";
import { PostgresTokenStore } from "../../src/stores/postgres/token-store.js";
import { RedisTokenStore } from "../../src/stores/redis/token-store.js";
import { emulatorSession, type Session } from "../support/emulator-session.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const DENO_INSPECT = Symbol.for("Deno.customInspect");

/** What console.log writes for `value`, captured from stdout (nothing reaches the real stdout). */
function consoleLogOf(value: unknown): string {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stdout.write;
  try {
    console.log(value);
    console.log("%o", value);
  } finally {
    process.stdout.write = write;
  }
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

/** Every printed view of `value` hides the tokens of `sets`; JSON keeps them (the storage form). */
function assertPrintsRedacted(value: unknown, sets: TokenSet[], where: string): void {
  const views: Record<string, string> = {
    "util.inspect": inspect(value, { depth: 10 }),
    "util.inspect (showHidden)": inspect(value, { depth: 10, showHidden: false, getters: true }),
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

describe("the refreshed event", () => {
  let s: Session;
  before(async () => {
    s = await emulatorSession({ rotateAfter: 0 });
  });
  after(() => s.close());

  test("hands listeners a token set that prints redacted, and JSON-serialises whole", async () => {
    const token = await s.connect();
    const tokens = new TokenManager({ authClient: s.authClient, store: new MemoryTokenStore() });
    await tokens.save(token.realmId!, token);
    const seen: TokenSet[] = [];
    tokens.on("refreshed", (_realmId, set) => seen.push(set));
    await tokens.refresh(token.realmId!);
    assert.equal(seen.length, 1);
    const set = seen[0]!;
    assert.notEqual(set.accessToken, token.accessToken);
    assertPrintsRedacted(set, [set], "the refreshed event's token set");
    assert.deepEqual(tokenSetFromJSON(JSON.stringify(set)), { ...set });
    assert.equal(await tokens.getAccessToken(token.realmId!), set.accessToken);
  });
});

interface StoreCase {
  name: string;
  skip: string | false;
  make: () => Promise<{ store: TokenStore; cleanup: () => Promise<void> }>;
}

const redis = await redisUrl();
const postgres = await postgresUrl();

const stores: StoreCase[] = [
  {
    name: "MemoryTokenStore",
    skip: false,
    make: async () => ({ store: new MemoryTokenStore(), cleanup: async () => {} }),
  },
  {
    name: "FileTokenStore",
    skip: false,
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), "intuit-printing-"));
      return {
        store: new FileTokenStore({ directory: join(dir, "tokens") }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "RedisTokenStore",
    skip: requireOrSkip(redis, "redis"),
    make: async () => {
      const store = new RedisTokenStore({ url: redis, keyPrefix: `${uniqueName("intuit-printing")}:` });
      return {
        store,
        cleanup: async () => {
          for (const r of await store.list()) await store.delete(r.realmId);
          await store.close();
        },
      };
    },
  },
  {
    name: "PostgresTokenStore",
    skip: requireOrSkip(postgres, "postgres"),
    make: async () => {
      const tableName = uniqueName("intuit_printing");
      const store = new PostgresTokenStore({ connectionString: postgres, tableName });
      await store.migrate();
      return {
        store,
        cleanup: async () => {
          await store.close();
          const pool = new (await import("pg")).default.Pool({ connectionString: postgres, max: 1 });
          await pool.query(`DROP TABLE IF EXISTS "${tableName}", "${tableName}_locks"`);
          await pool.end();
        },
      };
    },
  },
];

for (const { name, skip, make } of stores) {
  test(`${name}: records from get, list, listPage and listDue print redacted`, { skip }, async () => {
    const { store, cleanup } = await make();
    try {
      const records: TokenRecord[] = [
        fullRecord("4620816365000000101"),
        minimalRecord("4620816365000000102"),
      ];
      for (const r of records) await store.set(r);
      const sets = records.map((r) => r.token);
      const got = await store.get(records[0]!.realmId);
      assertPrintsRedacted(got, [sets[0]!], `${name}.get()`);
      assertPrintsRedacted(got?.token, [sets[0]!], `${name}.get().token`);
      const minimal = await store.get(records[1]!.realmId);
      assertPrintsRedacted(minimal?.token, [sets[1]!], `${name}.get().token (minimal)`);
      assertPrintsRedacted(await store.list(), sets, `${name}.list()`);
      assertPrintsRedacted((await store.listPage!(10)).records, sets, `${name}.listPage()`);
      const due = (await store.listDue!(Number.MAX_SAFE_INTEGER, 10)).records;
      // fullRecord is marked for reauthorization, so only the minimal one is due.
      assertPrintsRedacted(due, [sets[1]!], `${name}.listDue()`);
      // JSON stays the storage form: what a store returns serialises back to what was stored.
      assert.deepEqual(JSON.parse(JSON.stringify(got)), JSON.parse(JSON.stringify(records[0])));
    } finally {
      await cleanup();
    }
  });
}
