// What each entity allows, checked before anything is sent: read-only lists (TaxCode, TaxRate,
// Budget), create-only TaxAgency, ExchangeRate (read by currency, updated whole, never created or
// deleted), name lists deactivated rather than deleted; and the wire form of the new entities' writes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ConfigurationError } from "../../src/common/errors.js";
import { ENTITY_NAMES, isNameList, isReadOnly, writeRefusal } from "../../src/api/entities/index.js";
import { fixtureServer, type Fixture } from "./fixture-server.js";

let fx: Fixture;
before(async () => {
  fx = await fixtureServer((req) => {
    const name = /\/v3\/company\/\d+\/(\w+)/.exec(req.url)?.[1] ?? "";
    const entity = ENTITY_NAMES.find((n) => n.toLowerCase() === name);
    if (!entity || req.method !== "POST") return undefined;
    return { body: { [entity]: { ...JSON.parse(req.body), Id: "5", SyncToken: "0" } } };
  });
});
after(() => fx.close());

test("every entity Intuit's reference lists (node-quickbooks' set) is typed, the 15 new ones included", () => {
  for (const name of [
    "Budget",
    "Class",
    "CompanyCurrency",
    "Department",
    "ExchangeRate",
    "JournalCode",
    "PaymentMethod",
    "PurchaseOrder",
    "RefundReceipt",
    "TaxAgency",
    "TaxCode",
    "TaxRate",
    "Term",
    "Transfer",
    "VendorCredit",
  ])
    assert.ok((ENTITY_NAMES as readonly string[]).includes(name), name);
  assert.equal(ENTITY_NAMES.length, 34);
});

test("writeRefusal: the table of what Intuit refuses", () => {
  const table: Array<[string, "create" | "update" | "delete", boolean]> = [
    ["TaxCode", "create", false],
    ["TaxRate", "update", false],
    ["Budget", "delete", false],
    ["TaxAgency", "create", true],
    ["TaxAgency", "update", false],
    ["ExchangeRate", "create", false],
    ["ExchangeRate", "update", true],
    ["ExchangeRate", "delete", false],
    ["Class", "create", true],
    ["Class", "delete", false],
    ["Term", "update", true],
    ["PurchaseOrder", "delete", true],
    ["VendorCredit", "create", true],
    ["Transfer", "delete", true],
    ["RefundReceipt", "delete", true],
    ["CompanyInfo", "create", false],
    ["Customer", "delete", false],
  ];
  for (const [name, op, allowed] of table)
    assert.equal(writeRefusal(name as never, op) === undefined, allowed, `${name} ${op}`);
  for (const name of ["TaxCode", "TaxRate", "Budget"]) assert.ok(isReadOnly(name) && isNameList(name), name);
});

test("typed helpers refuse what Intuit refuses, at compile time and before sending", async () => {
  fx.seen.length = 0;
  const refused = [
    // @ts-expect-error TaxCode is read-only
    () => fx.qb.create("TaxCode", { Name: "X" }),
    // @ts-expect-error a Class is made inactive, not deleted
    () => fx.qb.delete("Class", { Id: "1", SyncToken: "0" }),
    // @ts-expect-error TaxAgency is create-only
    () => fx.qb.update("TaxAgency", { Id: "1", SyncToken: "0", DisplayName: "x" }),
    // @ts-expect-error exchange rates are not created
    () => fx.qb.create("ExchangeRate", { Rate: 1 }),
    () => fx.qb.batch([{ operation: "create", entity: "Budget" as "Class", body: { Name: "B" } }]),
    // @ts-expect-error an exchange-rate update names its currency and day
    () => fx.qb.update("ExchangeRate", { Id: "1", SyncToken: "0", Rate: 1 }),
  ];
  for (const call of refused) {
    const error = await call().catch((e: unknown) => e);
    assert.ok(error instanceof ConfigurationError, String(error));
  }
  assert.equal(fx.seen.length, 0);
});

test("the new entities' writes: create, sparse update, delete of a transaction, and a whole exchange-rate update", async () => {
  fx.seen.length = 0;
  const cls = await fx.qb.create("Class", { Name: "West" });
  assert.equal(cls.Id, "5");
  await fx.qb.update("Class", { Id: "5", SyncToken: "0", Active: false });
  await fx.qb.create("Transfer", {
    FromAccountRef: { value: "35" },
    ToAccountRef: { value: "36" },
    Amount: 120,
  });
  await fx.qb.delete("VendorCredit", { Id: "9", SyncToken: "2" }).catch(() => undefined);
  await fx.qb.update("ExchangeRate", {
    SourceCurrencyCode: "EUR",
    AsOfDate: "2026-03-31",
    SyncToken: "0",
    Rate: 1.1,
  });
  const wire = fx.seen.map((s) => {
    const url = new URL(s.url, fx.url);
    return [url.pathname.split("/").at(-1), url.searchParams.get("operation"), JSON.parse(s.body)];
  });
  assert.deepEqual(wire, [
    ["class", null, { Name: "West" }],
    ["class", null, { Id: "5", SyncToken: "0", Active: false, sparse: true }],
    ["transfer", null, { FromAccountRef: { value: "35" }, ToAccountRef: { value: "36" }, Amount: 120 }],
    ["vendorcredit", "delete", { Id: "9", SyncToken: "2" }],
    [
      "exchangerate",
      null,
      { SourceCurrencyCode: "EUR", AsOfDate: "2026-03-31", SyncToken: "0", Rate: 1.1, sparse: false },
    ],
  ]);
});
