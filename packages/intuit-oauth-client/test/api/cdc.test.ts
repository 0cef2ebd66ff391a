// qb.cdc against the emulator: changes (latest state) and deletions since a time, the 30-day guard,
// and the 1,000-object cap (lowered here to 10): split by entities, then by time window, with
// deletions that cannot be listed reported as a typed error rather than dropped in silence.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/common/errors.js";
import { CdcIncompleteError, CdcLookbackError } from "../../src/api/cdc.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import type { EntityName } from "../../src/api/entities/index.js";
import { connected, type Connected } from "./helpers.js";

const DAY = 24 * 60 * 60 * 1000;
const LINE = [{ Amount: 1, DetailType: "SalesItemLineDetail" as const, SalesItemLineDetail: {} }];

async function withEmulator(
  options: Parameters<typeof connected>[0],
  run: (c: Connected) => Promise<void>,
): Promise<void> {
  const c = await connected(options);
  try {
    await run(c);
  } finally {
    await c.emu.close();
  }
}

const ids = (rows: ReadonlyArray<{ Id?: string }>) =>
  rows.map((r) => r.Id as string).sort((a, b) => Number(a) - Number(b));

test("changes since a time: latest state of each, deletions with their time, inactive name lists; nothing older", () =>
  withEmulator({}, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const old = await qb.create("Customer", { DisplayName: "Before The Window" });
    c.emu.advanceClock(5_000);
    const since = c.emu.clock.now();
    const a = await qb.create("Customer", { DisplayName: "Window A" });
    const b = await qb.create("Customer", { DisplayName: "Window B" });
    const a1 = await qb.update("Customer", { Id: a.Id as string, SyncToken: "0", Notes: "changed" });
    const keep = await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: LINE });
    const drop = await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: LINE });
    await qb.delete("Invoice", { Id: drop.Id as string, SyncToken: "0" });
    const v = await qb.create("Vendor", { DisplayName: "Window Vendor" });
    const v1 = await qb.update("Vendor", { Id: v.Id as string, SyncToken: "0", Active: false });
    // Invoicing customer 1 moved its balance, so it changed in the window too, as in production.
    const c1 = await qb.read("Customer", "1");

    const before = c.emu.counters().api;
    const result = await qb.cdc(["Customer", "Invoice", "Vendor"], new Date(since));
    assert.equal(c.emu.counters().api - before, 1);
    assert.equal(result.requests, 1);
    assert.deepEqual(
      result.changed.Customer,
      [c1, b, a1].sort((x, y) => Number(x.Id) - Number(y.Id)),
    );
    assert.ok(!result.changed.Customer.some((x) => x.Id === old.Id));
    assert.deepEqual(result.changed.Invoice, [keep]);
    assert.deepEqual(result.changed.Vendor, [v1]);
    assert.equal(result.deleted.length, 1);
    assert.equal(result.deleted[0]?.entityName, "Invoice");
    assert.equal(result.deleted[0]?.id, drop.Id);
    assert.match(result.deleted[0]?.deletedAt ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[78]:00$/);
    assert.deepEqual(result.deletionGaps, []);
    assert.match(result.time ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]:00$/);
    // since may be a string or epoch ms too
    assert.deepEqual((await qb.cdc(["Invoice"], since)).changed.Invoice, [keep]);
    assert.deepEqual((await qb.cdc(["Invoice"], new Date(since).toISOString())).changed.Invoice, [keep]);
  }));

test("the 30-day lookback: an older since is a CdcLookbackError before anything is sent; the emulator refuses it too", () =>
  withEmulator({}, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const before = c.emu.counters().api;
    const err = await qb.cdc(["Customer"], Date.now() - 31 * DAY).then(
      () => assert.fail("expected CdcLookbackError"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CdcLookbackError, String(err));
    assert.equal(err.code, "ERR_CDC_LOOKBACK");
    assert.match(err.message, /30 days/);
    assert.equal(c.emu.counters().api, before);
    const ok = await qb.cdc(["Customer"], Date.now() - 29 * DAY);
    assert.equal(ok.changed.Customer.length, 5); // the seeded ones
    // Asked directly, the emulator answers a 4001 ValidationFault naming changedSince.
    const raw = await qb
      .get("cdc", {
        query: { entities: "Customer", changedSince: new Date(c.emu.clock.now() - 31 * DAY).toISOString() },
      })
      .then(
        () => assert.fail("expected a fault"),
        (e: { errors: Array<{ code: string; element?: string }> }) => e,
      );
    assert.deepEqual(
      raw.errors.map((e) => [e.code, e.element]),
      [["4001", "changedSince"]],
    );
  }));

test("cdcLookbackOverLimit: 'clamp' answers from 30 days back instead", () =>
  withEmulator({ cdcLookbackOverLimit: "clamp" }, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const body = await qb.get<{ CDCResponse: Array<{ QueryResponse: Array<{ Customer?: unknown[] }> }> }>(
      "cdc",
      {
        query: { entities: "Customer", changedSince: new Date(c.emu.clock.now() - 40 * DAY).toISOString() },
      },
    );
    assert.equal(body.CDCResponse[0]?.QueryResponse[0]?.Customer?.length, 5);
  }));

test("refused before sending: no entities, unknown ones, CompanyInfo, TimeActivity (not in Intuit's CDC), a bad since", () =>
  withEmulator({}, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const before = c.emu.counters().api;
    const now = Date.now();
    for (const [entities, since] of [
      [[], now],
      [["Nope"], now],
      [["CompanyInfo"], now],
      [["TimeActivity"], now],
      [["Customer"], "yesterday-ish"],
      [["Customer"], Number.NaN],
    ] as Array<[EntityName[], string | number]>)
      await assert.rejects(qb.cdc(entities, since), ConfigurationError, JSON.stringify([entities, since]));
    assert.equal(c.emu.counters().api, before);
  }));

test("an answer at the cap is asked again per half of the entities, until each is under it", () =>
  withEmulator({ cdcMaxObjects: 10 }, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId, { limits: new MemoryApiLimits({ batchPerMinute: 1000 }) });
    c.emu.advanceClock(2_000); // past the seeded customers' second
    const since = c.emu.clock.now();
    const made = await qb.batch([
      ...Array.from({ length: 6 }, (_, i) => ({
        operation: "create" as const,
        entity: "Customer" as const,
        body: { DisplayName: `Cap ${i}` },
      })),
      ...Array.from({ length: 6 }, () => ({
        operation: "create" as const,
        entity: "Invoice" as const,
        body: { CustomerRef: { value: "1" }, Line: LINE },
      })),
    ]);
    const result = await qb.cdc(["Customer", "Invoice"], since, { maxObjects: 10 });
    assert.equal(result.requests, 3); // both (capped), then Customer, then Invoice
    // The six made, and customer 1, whose balance the invoices moved.
    assert.deepEqual(
      ids(result.changed.Customer),
      ids([{ Id: "1" }, ...made.slice(0, 6).map((r) => (r.ok && "value" in r ? r.value : {}))]),
    );
    assert.equal(result.changed.Invoice.length, 6);
    assert.deepEqual(result.deletionGaps, []);
  }));

/** 1 invoice deleted early, then 24 more, each 10 s apart: far over a cap of 10. */
async function busyInvoices(
  c: Connected,
): Promise<{ since: number; live: string[]; deletedEarly: string; deletedLate: string }> {
  const qb = quickbooks(c.tokens, c.realmId);
  const since = c.emu.clock.now();
  const first = await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: LINE });
  c.emu.advanceClock(10_000);
  await qb.delete("Invoice", { Id: first.Id as string, SyncToken: "0" });
  const live: string[] = [];
  for (let i = 0; i < 24; i++) {
    c.emu.advanceClock(10_000);
    live.push((await qb.create("Invoice", { CustomerRef: { value: "1" }, Line: LINE })).Id as string);
  }
  c.emu.advanceClock(10_000);
  const late = live.shift() as string;
  await qb.delete("Invoice", { Id: late, SyncToken: "0" });
  return { since, live, deletedEarly: first.Id as string, deletedLate: late };
}

test("one entity over the cap: the window is split; changes come complete, and deletions CDC could not list are a CdcIncompleteError", () =>
  withEmulator({ cdcMaxObjects: 10 }, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const { since, live, deletedEarly, deletedLate } = await busyInvoices(c);
    const err = await qb.cdc(["Invoice"], since, { maxObjects: 10 }).then(
      () => assert.fail("expected CdcIncompleteError"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CdcIncompleteError, String(err));
    assert.equal(err.code, "ERR_CDC_INCOMPLETE");
    const result = err.result;
    assert.deepEqual(ids(result.changed.Invoice ?? []), live);
    // The late deletion falls in the window CDC answered completely; the early one does not.
    assert.deepEqual(
      result.deleted.map((d) => d.id),
      [deletedLate],
    );
    assert.ok(!result.deleted.some((d) => d.id === deletedEarly));
    assert.equal(err.gaps.length, 1);
    assert.equal(err.gaps[0]?.entityName, "Invoice");
    assert.equal(
      err.gaps[0]?.from,
      new Date(Math.floor(since / 1000) * 1000).toISOString().replace(".000", ""),
    );
    assert.ok(result.requests > 3, String(result.requests));

    const allowed = await qb.cdc(["Invoice"], since, { maxObjects: 10, allowDeletionGaps: true });
    assert.deepEqual(ids(allowed.changed.Invoice), live);
    assert.deepEqual(allowed.deletionGaps, err.gaps);
  }));

test("the same history under a cap it fits lists both deletions and no gap", () =>
  withEmulator({ cdcMaxObjects: 1000 }, async (c) => {
    const qb = quickbooks(c.tokens, c.realmId);
    const { since, live, deletedEarly, deletedLate } = await busyInvoices(c);
    const result = await qb.cdc(["Invoice"], since);
    assert.equal(result.requests, 1);
    assert.deepEqual(ids(result.changed.Invoice), live);
    assert.deepEqual(result.deleted.map((d) => d.id).sort(), [deletedEarly, deletedLate].sort());
  }));
