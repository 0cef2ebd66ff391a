// A 429 pause is never silent (issue 23, item 10): the emulator on 127.0.0.1 answers 429 with or
// without Retry-After; each pause gives one `rateLimited` event on the limits, and a warning through
// the logger (console.warn without one), at most once a minute. A burst of 429s is one pause. Time is
// a fake clock: waits are recorded, not slept.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthClient } from "../../src/client/auth-client.js";
import type { RateLimitedEvent } from "../../src/api/metering.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import { TokenManager } from "../../src/tokens/token-manager.js";
import { connected, fakeTime, type Connected } from "./helpers.js";

interface Watched extends Connected {
  events: RateLimitedEvent[];
  warnings: Array<{ fields: Record<string, unknown>; message: string }>;
  time: ReturnType<typeof fakeTime>;
  qb: ReturnType<typeof quickbooks>;
}

/** An emulator, a manager whose AuthClient logs to `warnings`, a helper on a fake clock, and its limits watched. */
async function watched(fn: (w: Watched) => Promise<void>): Promise<void> {
  const c = await connected();
  try {
    const warnings: Watched["warnings"] = [];
    const authClient = await AuthClient.create({
      clientId: c.emu.defaultClient.clientId,
      clientSecret: c.emu.defaultClient.clientSecret,
      redirectUri: c.emu.defaultClient.redirectUri,
      environment: c.emu.discoveryUrl,
      logger: { warn: (fields, message) => warnings.push({ fields, message }) },
    });
    const tokens = new TokenManager({ authClient, store: c.tokens.store });
    const time = fakeTime();
    const events: RateLimitedEvent[] = [];
    time.options.limits.on("rateLimited", (e) => events.push(e));
    const qb = quickbooks(tokens, c.realmId, { ...time.options });
    await fn({ ...c, tokens, events, warnings, time, qb });
  } finally {
    await c.emu.close();
  }
}

test("a 429 without Retry-After: one event and one warning that says 60 s and how to share the limits", () =>
  watched(async ({ emu, qb, events, warnings, time, realmId }) => {
    const start = time.clock();
    emu.injectFault("api", { type: "rateLimit" }, 1);
    await qb.get("customer/1");
    assert.deepEqual(time.waits, [60_000]);
    assert.deepEqual(events, [{ realmId, pauseMs: 60_000, until: start + 60_000, retryAfter: false }]);
    assert.equal(warnings.length, 1);
    assert.deepEqual(warnings[0]!.fields, { realmId, pauseMs: 60_000, retryAfter: false });
    assert.match(warnings[0]!.message, /429 for realm \d+: its requests wait 60 s \(no Retry-After/);
    assert.match(warnings[0]!.message, /docs\/fleet\.md, API limits across processes/);
  }));

test("with Retry-After: one event per pause, and at most one warning a minute", () =>
  watched(async ({ emu, qb, events, warnings, time }) => {
    emu.injectFault("api", { type: "rateLimit", retryAfter: 2 }, 2);
    await qb.get("customer/1"); // two pauses of 2 s, one after the other
    assert.deepEqual(time.waits, [2000, 2000]);
    assert.deepEqual(
      events.map((e) => [e.pauseMs, e.retryAfter]),
      [
        [2000, true],
        [2000, true],
      ],
    );
    assert.equal(warnings.length, 1, "the second pause came within a minute of the first warning");
    assert.match(warnings[0]!.message, /its requests wait 2 s\. Several processes/);

    time.advance(60_000);
    emu.injectFault("api", { type: "rateLimit", retryAfter: 2 }, 1);
    await qb.get("customer/1");
    assert.equal(events.length, 3);
    assert.equal(warnings.length, 2, "a minute later, a new pause warns again");
  }));

test("a burst of 429s in one pause is one event and one warning", () =>
  watched(async ({ emu, tokens, realmId, warnings }) => {
    // A clock that stands still: the three answers arrive within one pause (waits are not slept).
    const clock = () => Date.parse("2025-01-01T00:00:00Z");
    const sleep = async () => {};
    const limits = new MemoryApiLimits({ clock, sleep });
    const events: RateLimitedEvent[] = [];
    limits.on("rateLimited", (e) => events.push(e));
    const qb = quickbooks(tokens, realmId, { clock, sleep, limits });
    emu.injectFault("api", { type: "rateLimit" }, 3);
    await Promise.all([qb.get("customer/1"), qb.get("customer/2"), qb.get("customer/3")]);
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal(warnings.length, 1);
  }));

test("without a logger the warning goes to console.warn", async (t) => {
  const c = await connected(); // its AuthClient has no logger
  try {
    const warn = t.mock.method(console, "warn", () => {});
    const time = fakeTime();
    const qb = quickbooks(c.tokens, c.realmId, { ...time.options });
    c.emu.injectFault("api", { type: "rateLimit" }, 1);
    await qb.get("customer/1");
    assert.equal(warn.mock.callCount(), 1);
    assert.match(
      String(warn.mock.calls[0]!.arguments[0]),
      /^intuit-oauth-client: Intuit answered 429 for realm/,
    );
  } finally {
    await c.emu.close();
  }
});
