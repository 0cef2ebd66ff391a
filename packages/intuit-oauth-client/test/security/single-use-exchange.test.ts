// A code is exchanged once, whichever door a caller takes: handleCallback, validateCallback +
// exchangeCallback, or getBearerToken. Each goes through the one exchange function, which claims the
// state and the code before anything is sent: in the client's own record (this process) and, with
// a stateStore, in the store (every server sharing it: memory, file, Redis, PostgreSQL). A second
// exchange of one code makes Intuit revoke the grant, so the fake Intuit here counts token requests.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  AuthClient,
  CallbackError,
  ConfigurationError,
  FileStateStore,
  MemoryStateStore,
  SharedStoreError,
  type StateStore,
  type TokenSet,
} from "../../src/index.js";
import { validateCallback } from "../../src/protocol.js";
import { UsedCallbacks } from "../../src/oauth/single-use.js";
import { rejection, startFakeIntuit, tokenBody, type FakeIntuit } from "../support/fake-intuit.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({ body: tokenBody() }));
});

const REALM = "9130350000000001";
let serial = 0;
/** A fresh code (and state) per use, so the cases never see each other's. */
const fresh = (what: string) => `${what}-${process.pid}-${++serial}`;
const callbackUrl = (code: string, state: string) =>
  `/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}&realmId=${REALM}`;
const tokenRequests = () => server.requestsTo("/token").length;

type Door = (client: AuthClient, code: string, state: string) => Promise<TokenSet>;
const DOORS: ReadonlyArray<[string, Door]> = [
  [
    "handleCallback",
    (c, code, state) => c.handleCallback(callbackUrl(code, state), { expectedState: state }),
  ],
  [
    "validateCallback + exchangeCallback",
    (c, code, state) => c.exchangeCallback(validateCallback(callbackUrl(code, state), state)),
  ],
  ["getBearerToken", (c, code) => c.getBearerToken(code, { realmId: REALM })],
];

function assertRefused(err: unknown, reason: "code_reused" | "state_reused"): void {
  assert.ok(err instanceof CallbackError, String(err));
  assert.equal(err.code, "ERR_CALLBACK");
  assert.equal(err.reason, reason);
}

describe("one client: every door, twice with one code → one token request, then code_reused", () => {
  for (const [first, firstDoor] of DOORS) {
    for (const [second, secondDoor] of DOORS) {
      test(`${first}, then ${second}`, async () => {
        const client = new AuthClient(server.clientOptions());
        const code = fresh("code");
        await firstDoor(client, code, fresh("state"));
        // A fresh state: only the code is the same, as when a code is replayed under a new session.
        assertRefused(await rejection(secondDoor(client, code, fresh("state"))), "code_reused");
        assert.equal(tokenRequests(), 1);
      });
    }
  }

  test("one callback twice (its state and its code) → state_reused, by either callback door", async () => {
    for (const [name, door] of DOORS.slice(0, 2)) {
      const client = new AuthClient(server.clientOptions());
      const [code, state] = [fresh("code"), fresh("state")];
      const before = tokenRequests();
      await door(client, code, state);
      assertRefused(await rejection(door(client, code, state)), "state_reused");
      assert.equal(tokenRequests() - before, 1, name);
    }
  });

  test("a state used once is refused with any other code", async () => {
    const client = new AuthClient(server.clientOptions());
    const state = fresh("state");
    await client.handleCallback(callbackUrl(fresh("code"), state), { expectedState: state });
    const err = await rejection(
      client.exchangeCallback(validateCallback(callbackUrl(fresh("code"), state), state)),
    );
    assertRefused(err, "state_reused");
    assert.equal(tokenRequests(), 1);
  });

  test("every door at once with one code (twice each) → exactly one token request", async () => {
    // The token endpoint answers only once the five other exchanges were refused, so all six
    // really overlap; the deadline only stops a broken build from hanging the suite.
    let refused = 0;
    let allRefused: () => void = () => {};
    const othersDone = new Promise<void>((resolve) => (allRefused = resolve));
    server.on("/token", async () => {
      await Promise.race([othersDone, new Promise((r) => setTimeout(r, 10_000))]);
      return { body: tokenBody() };
    });
    const client = new AuthClient(server.clientOptions());
    const code = fresh("code");
    const calls = [...DOORS, ...DOORS].map(([, door]) =>
      door(client, code, fresh("state")).catch((err: unknown) => {
        if (++refused === 5) allRefused();
        throw err;
      }),
    );
    const outcomes = await Promise.allSettled(calls);
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
    for (const o of outcomes) if (o.status === "rejected") assertRefused(o.reason, "code_reused");
    assert.equal(tokenRequests(), 1);
  });

  test("an exchange that failed at Intuit is not sent again: the code stays used", async () => {
    server.on("/token", () => ({ status: 400, body: { error: "invalid_grant" } }));
    const client = new AuthClient(server.clientOptions());
    const code = fresh("code");
    const first = await rejection(client.getBearerToken(code));
    assert.equal((first as { code?: string }).code, "ERR_INVALID_GRANT");
    server.on("/token", () => ({ body: tokenBody() }));
    assertRefused(await rejection(client.getBearerToken(code)), "code_reused");
    assert.equal(tokenRequests(), 1);
  });

  test("the record belongs to the client's config: another client keeps its own (share a stateStore for one record)", async () => {
    const a = new AuthClient(server.clientOptions());
    const b = new AuthClient(server.clientOptions());
    assert.notEqual(a.config.usedCallbacks, b.config.usedCallbacks);
    const code = fresh("code");
    await a.getBearerToken(code);
    await b.getBearerToken(code);
    assert.equal(tokenRequests(), 2);
    const store = new MemoryStateStore();
    const c = new AuthClient(server.clientOptions({ stateStore: store }));
    const d = new AuthClient(server.clientOptions({ stateStore: store }));
    const shared = fresh("code");
    await c.getBearerToken(shared);
    assertRefused(await rejection(d.getBearerToken(shared)), "code_reused");
    assert.equal(tokenRequests(), 3);
  });

  test("a state store that fails refuses the exchange with nothing sent, and the callback can be tried again", async () => {
    let failures = 1;
    const inner = new MemoryStateStore();
    const flaky: StateStore = {
      consume: async (keys, ttlMs) => {
        if (failures-- > 0) throw new SharedStoreError("Redis: consume failed: connection refused");
        return inner.consume(keys, ttlMs);
      },
      release: (keys) => inner.release(keys),
    };
    const client = new AuthClient(server.clientOptions({ stateStore: flaky }));
    const [code, state] = [fresh("code"), fresh("state")];
    const err = await rejection(client.handleCallback(callbackUrl(code, state), { expectedState: state }));
    assert.ok(err instanceof SharedStoreError, String(err));
    assert.equal(tokenRequests(), 0);
    const token = await client.handleCallback(callbackUrl(code, state), { expectedState: state });
    assert.equal(token.realmId, REALM);
    assert.equal(tokenRequests(), 1);
  });

  test("a stateStore without consume is a ConfigurationError naming the option", () => {
    for (const bad of [{}, { consume: "yes" }, null]) {
      assert.throws(
        () => new AuthClient(server.clientOptions({ stateStore: bad as unknown as StateStore })),
        (e: unknown) => e instanceof ConfigurationError && /^stateStore /.test(e.message),
      );
    }
  });
});

describe("the in-memory record: bounded, with expiry, holding hashes", () => {
  test("a used code is refused until its time is up, then accepted again", async () => {
    let now = 1_000_000;
    const record = new UsedCallbacks({ clock: () => now, ttlMs: 60_000 });
    await record.claim({ code: "c1" });
    assertRefused(await rejection(record.claim({ code: "c1" })), "code_reused");
    now += 59_999;
    assertRefused(await rejection(record.claim({ code: "c1" })), "code_reused");
    now += 1;
    await record.claim({ code: "c1" });
  });

  test("it holds at most its bound: the oldest is forgotten first, expired ones are swept", async () => {
    let now = 0;
    const record = new UsedCallbacks({ clock: () => now, ttlMs: 1000, max: 3 });
    for (const code of ["a", "b", "c", "d"]) await record.claim({ code });
    assert.equal(record.size, 3);
    await record.claim({ code: "a" }); // forgotten: the oldest went when "d" came
    assertRefused(await rejection(record.claim({ code: "d" })), "code_reused");
    now = 5000;
    await record.claim({ code: "e" });
    assert.equal(record.size, 1, "expired entries are swept on the next claim");
  });

  test("neither a state nor a code appears in it, in any form a log could show", async () => {
    const { inspect } = await import("node:util");
    const record = new UsedCallbacks({ clock: Date.now, ttlMs: 1000 });
    await record.claim({ state: "STATE-secret-value", code: "CODE-secret-value" });
    const shown = inspect(record, { showHidden: true, depth: 10 }) + JSON.stringify(record);
    assert.doesNotMatch(shown, /secret-value/);
  });
});

// ---- across servers: two AuthClients (two app servers) sharing one StateStore --------------------

const services = { redis: await redisUrl(), postgres: await postgresUrl() };
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
type Closable = StateStore & { close?(): Promise<void> };
const STORES: Array<{ name: string; skip: string | false; make: () => Promise<Closable> }> = [
  {
    name: "file",
    skip: false,
    make: async () => {
      const directory = mkdtempSync(join(tmpdir(), "intuit-single-use-"));
      dirs.push(directory);
      return new FileStateStore({ directory });
    },
  },
  {
    name: "redis",
    skip: requireOrSkip(services.redis, "redis"),
    make: async () => {
      const { RedisStateStore } = await import("../../src/redis.js");
      return new RedisStateStore({ url: services.redis!, keyPrefix: `${uniqueName("su")}:` });
    },
  },
  {
    name: "postgres",
    skip: requireOrSkip(services.postgres, "postgres"),
    make: async () => {
      const { PostgresStateStore } = await import("../../src/postgres.js");
      const store = new PostgresStateStore({
        connectionString: services.postgres!,
        tableName: uniqueName("su"),
      });
      await store.migrate();
      return store;
    },
  },
];

for (const kind of STORES) {
  describe(`two servers sharing a ${kind.name} StateStore`, { skip: kind.skip }, () => {
    let store: Closable;
    before(async () => {
      store = await kind.make();
    });
    after(() => store?.close?.());
    const servers = (n: number) =>
      Array.from({ length: n }, () => new AuthClient(server.clientOptions({ stateStore: store })));

    for (const [name, door] of DOORS) {
      test(`${name} on one server, then on the other, with one code → one token request, then code_reused`, async () => {
        const [a, b] = servers(2) as [AuthClient, AuthClient];
        const code = fresh("code");
        await door(a, code, fresh("state"));
        assertRefused(await rejection(door(b, code, fresh("state"))), "code_reused");
        assert.equal(tokenRequests(), 1);
      });
    }

    test("one callback on two servers → state_reused on the second, one token request", async () => {
      const [a, b] = servers(2) as [AuthClient, AuthClient];
      const [code, state] = [fresh("code"), fresh("state")];
      await a.handleCallback(callbackUrl(code, state), { expectedState: state });
      const err = await rejection(b.exchangeCallback(validateCallback(callbackUrl(code, state), state)));
      assertRefused(err, "state_reused");
      assert.equal(tokenRequests(), 1);
    });

    test("six servers, each door twice, at once with one code → exactly one token request", async () => {
      const clients = servers(6);
      const code = fresh("code");
      const doors = [...DOORS, ...DOORS];
      const outcomes = await Promise.allSettled(clients.map((c, i) => doors[i]![1](c, code, fresh("state"))));
      assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
      for (const o of outcomes) if (o.status === "rejected") assertRefused(o.reason, "code_reused");
      assert.equal(tokenRequests(), 1);
    });
  });
}
