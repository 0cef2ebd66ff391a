import { test } from "node:test";
import assert from "node:assert/strict";
import { QuickBooksError } from "../../src/api/fault.js";
import { ConfigurationError } from "../../src/common/errors.js";
import { TokenManager } from "../../src/tokens/token-manager.js";
import { connected, fakeTime, type Connected } from "./helpers.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";

async function withEmulator(fn: (c: Connected) => Promise<void>, options = {}): Promise<void> {
  const c = await connected(options);
  try {
    await fn(c);
  } finally {
    await c.emu.close();
  }
}

async function rejection(p: Promise<unknown>): Promise<QuickBooksError> {
  const err = await p.then(
    () => assert.fail("expected a QuickBooksError"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof QuickBooksError, `got ${String(err)}`);
  return err;
}

// Production's 429 (XML, Fault type SERVICE), as the emulator sends it.
const THROTTLED = [
  {
    code: "3001",
    message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
    detail: "The request limit was reached.  Try again later",
  },
];
// An invoice with the fields a create requires (the emulator checks them as production does).
const INVOICE = { CustomerRef: { value: "1" }, Line: [{ Amount: 10, DetailType: "SalesItemLineDetail" }] };

test("429 with Retry-After: waits exactly that long each time, then succeeds", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options });
    emu.injectFault("api", { type: "rateLimit", retryAfter: 2 }, 2);
    const before = emu.counters().api;
    const res = await qb.send<{ Customer: { Id: string } }>({ path: "customer/3" });
    assert.equal(res.body.Customer.Id, "3");
    assert.equal(res.attempts, 3);
    assert.deepEqual(time.waits, [2000, 2000]);
    assert.equal(emu.counters().api - before, 3);
  }));

test("429 with a real Retry-After: 1 is really waited for", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const qb = quickbooks(tokens, realmId);
    emu.injectFault("api", { type: "rateLimit", retryAfter: 1 }, 1);
    const started = performance.now();
    const body = await qb.get<{ Customer: { Id: string } }>("customer/2");
    const elapsed = performance.now() - started;
    assert.equal(body.Customer.Id, "2");
    assert.ok(elapsed >= 990 && elapsed < 5000, `waited ${elapsed} ms`);
  }));

test("429 without Retry-After waits the 60 s default (recorded, not waited)", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options });
    emu.injectFault("api", { type: "rateLimit" }, 1);
    assert.deepEqual(await qb.get("customer/1").then((b) => Object.keys(b)), ["Customer", "time"]);
    assert.deepEqual(time.waits, [60_000]);
  }));

test("429 retries are bounded: after rateLimitRetries the Fault is thrown", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, {
      ...time.options,
      defaultRetryAfterMs: 30_000,
    });
    emu.injectFault("api", { type: "rateLimit" }, 3);
    const before = emu.counters().api;
    const err = await rejection(qb.get("customer/1"));
    assert.equal(err.statusCode, 429);
    assert.equal(err.faultType, "SERVICE");
    assert.deepEqual(err.errors, THROTTLED);
    assert.equal(err.retryAfterMs, 30_000);
    assert.deepEqual(time.waits, [30_000, 30_000]);
    assert.equal(emu.counters().api - before, 3);
  }));

test("rateLimitRetries: 0 fails on the first 429 without waiting", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options, rateLimitRetries: 0 });
    emu.injectFault("api", { type: "rateLimit", retryAfter: 3 }, 1);
    const err = await rejection(qb.get("customer/1"));
    assert.equal(err.statusCode, 429);
    assert.equal(err.retryAfterMs, 3000);
    assert.deepEqual(time.waits, []);
  }));

test("a Retry-After beyond maxRetryAfterMs is not waited for, and does not pause the realm", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options, maxRetryAfterMs: 10_000 });
    emu.injectFault("api", { type: "rateLimit", retryAfter: 120 }, 1);
    const err = await rejection(qb.get("customer/1"));
    assert.equal(err.retryAfterMs, 120_000);
    assert.deepEqual(time.waits, []);
    assert.equal(qb.limiter.pausedUntil, 0);
  }));

test("a POST without a requestid is never retried on 429, but the realm's next request waits out the Retry-After", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options });
    emu.injectFault("api", { type: "rateLimit", retryAfter: 5 }, 1);
    const before = emu.counters().api;
    const err = await rejection(qb.post("invoice", INVOICE, { requestId: false }));
    assert.equal(err.statusCode, 429);
    assert.deepEqual(err.errors, THROTTLED);
    assert.equal(emu.counters().api - before, 1);
    assert.deepEqual(time.waits, []);
    const invoices = await qb.query<{ QueryResponse: Record<string, unknown> }>("select * from Invoice");
    assert.deepEqual(invoices.QueryResponse, {}); // the write never happened
    assert.deepEqual(time.waits, [5000]); // the query waited for the realm's pause
  }));

test("a POST marked idempotent is retried after a 429", () =>
  withEmulator(async ({ emu, tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options });
    emu.injectFault("api", { type: "rateLimit", retryAfter: 1 }, 1);
    const body = await qb.post<{ Invoice: { Id: string } }>("invoice", INVOICE, { idempotent: true });
    assert.equal(body.Invoice.Id, "1001");
    assert.deepEqual(time.waits, [1000]);
  }));

test("never more than maxConcurrent in flight at the emulator, and the limit is reached", () =>
  withEmulator(
    async ({ emu, tokens, realmId }) => {
      const qb = quickbooks(tokens, realmId, { limits: new MemoryApiLimits({ maxConcurrent: 4 }) });
      const results = await Promise.all(Array.from({ length: 30 }, () => qb.send({ path: "customer/1" })));
      assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
      assert.deepEqual(new Set(results.map((r) => r.attempts)), new Set([1]));
      assert.deepEqual(emu.apiStats(realmId), { inFlight: 0, maxInFlight: 4 });
      assert.equal(qb.limiter.peak, 4);
    },
    { apiDelayMs: 60 },
  ));

test("the default limit (10) keeps 30 concurrent calls under the emulator's throttle", () =>
  withEmulator(
    async ({ emu, tokens, realmId }) => {
      const before = emu.counters().api;
      const qb = quickbooks(tokens, realmId);
      await Promise.all(Array.from({ length: 30 }, () => qb.get("customer/1")));
      assert.deepEqual(emu.apiStats(realmId), { inFlight: 0, maxInFlight: 10 });
      assert.equal(emu.counters().api - before, 30); // no 429, so no retry
    },
    { apiDelayMs: 40 },
  ));

test("the limits belong to the TokenManager: its helpers share them; another manager has its own, or shares the object it is given", () =>
  withEmulator(
    async ({ emu, authClient, tokens, realmId }) => {
      assert.ok(
        tokens.apiLimits instanceof MemoryApiLimits,
        "a TokenManager owns a MemoryApiLimits by default",
      );
      const apiLimits = new MemoryApiLimits({ maxConcurrent: 3 });
      const limited = new TokenManager({ authClient, store: tokens.store, apiLimits });
      assert.equal(limited.apiLimits, apiLimits);
      const a = quickbooks(limited, realmId);
      const b = quickbooks(limited, realmId);
      assert.equal(a.limits, apiLimits);
      assert.equal(b.limiter, a.limiter);
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).get("customer/1")));
      assert.deepEqual(emu.apiStats(realmId), { inFlight: 0, maxInFlight: 3 });
      const other = new TokenManager({ authClient, store: tokens.store });
      assert.notEqual(other.apiLimits, apiLimits);
      assert.notEqual(quickbooks(other, realmId).limiter, a.limiter);
      const sharing = new TokenManager({ authClient, store: tokens.store, apiLimits });
      assert.equal(quickbooks(sharing, realmId).limiter, a.limiter);
    },
    { apiDelayMs: 40 },
  ));

test("limit options per helper configure nothing shared: refused in any order, naming the option and where it is set", () =>
  withEmulator(async ({ tokens, realmId }) => {
    // Before, the first helper's perMinute set the realm's limit and a second, different one threw.
    for (const options of [
      { perMinute: 100 },
      { perMinute: 200 },
      { maxConcurrent: 5 },
      { batchPerMinute: 1 },
    ]) {
      const [name] = Object.keys(options);
      assert.throws(
        () => quickbooks(tokens, realmId, options as never),
        (e: Error) => {
          assert.ok(e instanceof ConfigurationError);
          assert.match(
            e.message,
            new RegExp(`^${name} is set on the limits every helper of the token source shares`),
          );
          assert.match(e.message, new RegExp(`apiLimits: new MemoryApiLimits\\(\\{ ${name}: … \\}\\)`));
          return true;
        },
      );
    }
    assert.equal(quickbooks(tokens, realmId).limits, tokens.apiLimits, "without them, the manager's limits");
    assert.throws(
      () =>
        quickbooks({ getAccessToken: async () => "AT", refresh: async () => undefined }, realmId, {
          baseUrl: "https://quickbooks.api.intuit.com",
        }),
      /this token source has no apiLimits/,
      "a source of its own needs `limits`",
    );
  }));

test("the per-minute budget: the fourth call in a 60 s window waits for the oldest to age out", () =>
  withEmulator(async ({ tokens, realmId }) => {
    const time = fakeTime();
    const qb = quickbooks(tokens, realmId, { ...time.options, limits: time.limits({ perMinute: 3 }) });
    await qb.get("customer/1"); // t = 0
    time.advance(30_000);
    await qb.get("customer/1"); // t = 30 s
    await qb.get("customer/1"); // t = 30 s
    await qb.get("customer/1"); // waits until t = 60 s
    assert.deepEqual(time.waits, [30_000]);
    await qb.get("customer/1"); // 3 started in (0, 60 s]: waits until t = 90 s
    assert.deepEqual(time.waits, [30_000, 30_000]);
    await Promise.all([qb.get("customer/1"), qb.get("customer/1")]);
    assert.deepEqual(time.waits, [30_000, 30_000, 30_000]); // t = 90 s: one slot, the other waits
  }));

test("an abort while queued for a slot rejects at once with ERR_ABORT", () =>
  withEmulator(
    async ({ tokens, realmId }) => {
      const qb = quickbooks(tokens, realmId, { limits: new MemoryApiLimits({ maxConcurrent: 1 }) });
      const first = qb.get("customer/1");
      const controller = new AbortController();
      const second = qb.get("customer/2", { signal: controller.signal });
      controller.abort();
      await assert.rejects(second, { code: "ERR_ABORT" });
      assert.equal(qb.limiter.active, 1);
      await first;
      assert.equal(qb.limiter.active, 0);
    },
    { apiDelayMs: 100 },
  ));
