// qb.queryAll against the emulator: every row exactly once across pages of 1,000, lazily (no request
// before it is needed), WHERE on Id, DisplayName and MetaData.LastUpdatedTime, ORDERBY across pages,
// and SQL that pages itself refused before anything is sent.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/common/errors.js";
import { quickbooks, type QuickBooksClient } from "../../src/api/quickbooks.js";
import { MemoryApiLimits } from "../../src/stores/memory/api-limits.js";
import type { Customer } from "../../src/api/entities/index.js";
import { connected, type Connected } from "./helpers.js";

const CREATED = 2507; // plus the 5 seeded customers: 2,512 rows, so pages of 1000, 1000 and 512
let c: Connected;
let qb: QuickBooksClient;
let splitAt: string; // LastUpdatedTime of the second group

before(async () => {
  c = await connected({
    apiLimits: { perMinute: 100_000, batchPerMinute: 10_000, batchPerMinutePerRealm: 10_000 },
  });
  qb = quickbooks(c.tokens, c.realmId, {
    limits: new MemoryApiLimits({ batchPerMinute: 10_000, perMinute: 100_000 }),
  });
  const make = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({
      operation: "create" as const,
      entity: "Customer" as const,
      body: { DisplayName: `Bulk ${String(from + i).padStart(5, "0")}` },
    }));
  const first = await qb.batch(make(0, 2000));
  c.emu.advanceClock(60_000);
  const second = await qb.batch(make(2000, CREATED));
  assert.ok([...first, ...second].every((r) => r.ok));
  const firstOfSecond = second[0];
  splitAt =
    firstOfSecond?.ok && "value" in firstOfSecond
      ? String(firstOfSecond.value.MetaData?.LastUpdatedTime)
      : "";
});
after(() => c.emu.close());

const apiCalls = () => c.emu.counters().api;

test("every row once, in order, in ceil(n/1000) requests", async () => {
  const before = apiCalls();
  const ids: string[] = [];
  for await (const customer of qb.queryAll<Customer>("select * from Customer"))
    ids.push(customer.Id as string);
  assert.equal(apiCalls() - before, 3);
  assert.equal(ids.length, CREATED + 5);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(ids.slice(0, 6), ["1", "2", "3", "4", "5", "101"]);
  assert.equal(ids.at(-1), String(100 + CREATED));
});

test("lazy: no request before iteration, one page per request, nothing fetched ahead", async () => {
  const before = apiCalls();
  const rows = qb.queryAll("select * from Customer", { pageSize: 2 });
  assert.equal(apiCalls(), before);
  const taken: string[] = [];
  for await (const row of rows) {
    taken.push(String(row["Id"]));
    if (taken.length === 3) break;
  }
  assert.deepEqual(taken, ["1", "2", "3"]);
  assert.equal(apiCalls() - before, 2);
});

test("a last page exactly full ends with one empty request; pages() yields the pages", async () => {
  const before = apiCalls();
  const pages: string[][] = [];
  for await (const page of qb
    .queryAll<Customer>("select * from Customer where Id in ('1','2','3','4')", { pageSize: 2 })
    .pages())
    pages.push(page.map((p) => p.Id as string));
  assert.deepEqual(pages, [
    ["1", "2"],
    ["3", "4"],
  ]);
  assert.equal(apiCalls() - before, 3);
});

test("WHERE on DisplayName, Id and MetaData.LastUpdatedTime, and ORDERBY, hold across pages", async () => {
  const names: string[] = [];
  for await (const c1 of qb.queryAll<Customer>(
    "select * from Customer where DisplayName like 'Bulk 019%' orderby DisplayName desc",
    { pageSize: 30 },
  ))
    names.push(c1.DisplayName as string);
  assert.equal(names.length, 100);
  assert.equal(names[0], "Bulk 01999");
  assert.equal(names.at(-1), "Bulk 01900");

  let count = 0;
  for await (const row of qb.queryAll(
    `select * from Customer where MetaData.LastUpdatedTime >= '${splitAt}'`,
  )) {
    assert.ok(Number(row["Id"]) > 2100, String(row["Id"]));
    count++;
  }
  assert.equal(count, CREATED - 2000);

  const ids: number[] = [];
  for await (const row of qb.queryAll("select * from Customer where Id > '2600' orderby Id desc", {
    pageSize: 7,
  }))
    ids.push(Number(row["Id"]));
  assert.deepEqual(
    ids,
    Array.from({ length: 100 + CREATED - 2600 }, (_, i) => 100 + CREATED - i),
  );
});

test("refused before sending: its own STARTPOSITION or MAXRESULTS, COUNT(*), no FROM, a bad pageSize", () => {
  const before = apiCalls();
  for (const sql of [
    "select * from Customer maxresults 10",
    "SELECT * FROM Customer STARTPOSITION 5",
    "select * from Customer where DisplayName = 'x' MaxResults 5",
    "select count(*) from Customer",
    "select 1",
    "",
  ])
    assert.throws(() => qb.queryAll(sql), ConfigurationError, sql);
  assert.throws(() => qb.queryAll("select * from Customer", { pageSize: 0 }), ConfigurationError);
  assert.throws(() => qb.queryAll("select * from Customer", { pageSize: 1001 }), ConfigurationError);
  assert.equal(apiCalls(), before);
});

test("paging words inside a quoted value are not paging", async () => {
  const rows = [];
  for await (const row of qb.queryAll("select * from Customer where DisplayName = 'maxresults 5';"))
    rows.push(row);
  assert.deepEqual(rows, []);
});
