// qb.batch against the emulator: chunks of at most 30 (or batchSize), results in input order with
// per-item typed errors, a requestid per chunk (a lost answer retried without duplicates), the
// realm's batch limit, and refusals before sending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/common/errors.js";
import { StaleObjectError } from "../../src/api/conflict.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import type { BatchItem } from "../../src/api/batch.js";
import { connected, fakeTime, type Connected } from "./helpers.js";

const LINE = [{ Amount: 1, DetailType: "SalesItemLineDetail" as const, SalesItemLineDetail: {} }];
const LIMITS = { apiLimits: { batchPerMinute: 1000, batchPerMinutePerRealm: 1000 } };

async function withEmulator(options: Parameters<typeof connected>[0], run: (c: Connected) => Promise<void>) {
  const c = await connected(options);
  try {
    await run(c);
  } finally {
    await c.emu.close();
  }
}

const customers = (n: number, prefix: string): BatchItem[] =>
  Array.from({ length: n }, (_, i) => ({
    operation: "create",
    entity: "Customer",
    body: { DisplayName: `${prefix} ${i}` },
    bId: `mine-${i}`,
  }));

test("65 items go in 3 requests of at most 30; every result in input order, with its own error where it failed", () =>
  withEmulator(LIMITS, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId, { limits: new MemoryApiLimits({ batchPerMinute: 1000 }) });
    const invoice = await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: LINE });
    await qb.update("Invoice", { Id: invoice.Id as string, SyncToken: "0", PrivateNote: "moved on" });
    const items: BatchItem[] = [
      ...customers(30, "Chunk"),
      { operation: "create", entity: "Invoice", body: { CustomerRef: { value: "1" } } }, // no Line: 2020
      { query: "select * from Customer where Id = '3'", bId: "q" },
      {
        operation: "update",
        entity: "Invoice",
        body: { Id: invoice.Id as string, SyncToken: "0", PrivateNote: "stale" },
      },
      { operation: "update", entity: "Customer", body: { Id: "2", SyncToken: "0", Notes: "batched" } },
      ...customers(30, "More"),
      { operation: "delete", entity: "Invoice", body: { Id: invoice.Id as string, SyncToken: "1" } },
      { operation: "create", entity: "Customer", body: { DisplayName: "Chunk 0" } }, // taken: 6240
      { query: "select * from Nothing" },
    ];
    const before = c.emu.counters().api;
    const results = await qb.batch(items);
    assert.equal(c.emu.counters().api - before, 3);
    assert.deepEqual(
      results.map((r) => r.index),
      items.map((_, i) => i),
    );
    const ok = (i: number) => {
      const r = results[i];
      assert.ok(r?.ok, `item ${i}: ${r && !r.ok ? r.error.message : ""}`);
      return r;
    };
    const failed = (i: number) => {
      const r = results[i];
      assert.ok(r && !r.ok, `item ${i} should have failed`);
      return r.error;
    };
    for (let i = 0; i < 30; i++) {
      const r = ok(i);
      assert.equal(r.bId, `mine-${i}`);
      assert.equal(
        "value" in r && r.value && (r.value as { DisplayName?: string }).DisplayName,
        `Chunk ${i}`,
      );
    }
    const missingLine = failed(30);
    assert.ok(missingLine instanceof QuickBooksError);
    assert.deepEqual([missingLine.errors[0]?.code, missingLine.errors[0]?.element], ["2020", "Line"]);
    const q = ok(31);
    assert.equal(q.bId, "q");
    assert.deepEqual("query" in q ? (q.query["Customer"] as Array<{ Id: string }>).map((x) => x.Id) : [], [
      "3",
    ]);
    assert.ok(failed(32) instanceof StaleObjectError);
    const updated = ok(33);
    assert.equal("value" in updated ? (updated.value as { Notes?: string }).Notes : "", "batched");
    assert.deepEqual("value" in ok(64) ? ok(64) : {}, {
      ok: true,
      index: 64,
      bId: undefined,
      entity: "Invoice",
      value: { status: "Deleted", domain: "QBO", Id: invoice.Id },
    });
    assert.equal(failed(65).errors[0]?.code, "6240");
    assert.equal(failed(66).errors[0]?.code, "4000");
    const stored = (c.emu.entities(c.realmId)["Customer"] ?? []).filter((e) =>
      /^(Chunk|More) /.test(String(e["DisplayName"])),
    );
    assert.equal(stored.length, 60);
  }));

test("batchSize chunks smaller (Intuit's other page says 10); more than 30 is refused", () =>
  withEmulator(LIMITS, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId, { limits: new MemoryApiLimits({ batchPerMinute: 1000 }) });
    const before = c.emu.counters().api;
    const results = await qb.batch(customers(25, "Ten"), { batchSize: 10 });
    assert.equal(c.emu.counters().api - before, 3);
    assert.ok(results.every((r) => r.ok));
    await assert.rejects(qb.batch(customers(2, "X"), { batchSize: 31 }), ConfigurationError);
    assert.throws(() => quickbooks(c.tokens, c.realmId, { batchSize: 0 }), ConfigurationError);
  }));

test("each chunk has its own requestid and bIds of at most 10 characters; a chunk whose answer is lost is retried without duplicates", () =>
  withEmulator(LIMITS, async (c) => {
    const time = fakeTime();
    const qb = quickbooks(c.tokens, c.realmId, {
      ...time.options,
      limits: time.limits({ batchPerMinute: 1000 }),
    });
    c.emu.injectFault("api", { type: "resetAfterRead" }, 1);
    const results = await qb.batch(customers(40, "Lost"));
    assert.ok(
      results.every((r) => r.ok),
      results.find((r) => !r.ok && r.error.message)?.toString(),
    );
    const stored = (c.emu.entities(c.realmId)["Customer"] ?? []).filter((e) =>
      String(e["DisplayName"]).startsWith("Lost "),
    );
    assert.equal(stored.length, 40);
    assert.equal(time.waits.length, 1);
  }));

test("the realm's batch limit: a third batch in the minute waits for the first to age out", () =>
  withEmulator(LIMITS, async (c) => {
    const time = fakeTime();
    const qb = quickbooks(c.tokens, c.realmId, {
      ...time.options,
      limits: time.limits({ batchPerMinute: 2 }),
    });
    await qb.batch(customers(3, "Rate"), { batchSize: 1 });
    assert.equal(time.waits.length, 1);
    assert.ok((time.waits[0] ?? 0) > 59_000 && (time.waits[0] ?? 0) <= 60_000, String(time.waits));
  }));

test("a Fault of the whole batch is thrown (the emulator set to 10 items a batch, the helper sending 30)", () =>
  withEmulator({ apiLimits: { ...LIMITS.apiLimits, batchMaxItems: 10 } }, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId, { limits: new MemoryApiLimits({ batchPerMinute: 1000 }) });
    const err = await qb.batch(customers(11, "Big")).then(
      () => assert.fail("expected a QuickBooksError"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof QuickBooksError);
    assert.deepEqual(
      [err.statusCode, err.errors[0]?.code, err.errors[0]?.element],
      [400, "2050", "BatchItemRequest"],
    );
  }));

test("refused before sending: malformed items, a requestId for several requests, one that is too long", () =>
  withEmulator(LIMITS, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const before = c.emu.counters().api;
    const bad: unknown[] = [
      [{ operation: "create", entity: "Nope", body: {} }],
      [{ operation: "create", entity: "CompanyInfo", body: {} }],
      [{ operation: "upsert", entity: "Customer", body: {} }],
      [{ operation: "update", entity: "Customer", body: { Id: "1" } }],
      [{ operation: "delete", entity: "Customer", body: { Id: "1", SyncToken: "0" } }],
      [{ operation: "create", entity: "Customer", body: "x" }],
      [{ query: "" }],
      [null],
      "not an array",
    ];
    for (const items of bad)
      await assert.rejects(qb.batch(items as BatchItem[]), ConfigurationError, JSON.stringify(items));
    await assert.rejects(qb.batch(customers(31, "Y"), { requestId: "one-key" }), ConfigurationError);
    await assert.rejects(qb.batch(customers(1, "Z"), { requestId: "x".repeat(37) }), ConfigurationError);
    assert.equal(c.emu.counters().api, before);
    const [r] = await qb.batch(customers(1, "Keyed"), { requestId: "x".repeat(36) });
    assert.ok(r?.ok);
  }));
