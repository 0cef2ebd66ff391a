// Typed entities through the helper against the emulator: read/create/update/delete, sparse and
// full updates with SyncToken, the stale-token conflict (5010), required fields per entity (2020),
// name lists made inactive instead of deleted, and refusals that never reach the network.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigurationError } from "../../src/common/errors.js";
import { StaleObjectError } from "../../src/api/conflict.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { quickbooks, type QuickBooksClient } from "../../src/api/quickbooks.js";
import type { CreatableEntityName, CreateBody, Customer } from "../../src/api/entities/index.js";
import { connected, type Connected } from "./helpers.js";

let c: Connected;
let qb: QuickBooksClient;
before(async () => {
  c = await connected();
  qb = quickbooks(c.tokens, c.realmId);
});
after(() => c.emu.close());

async function rejection<E>(p: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const err = await p.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof type, `got ${String(err)}`);
  return err;
}

const REF = { value: "1" };
const SALES_LINE = [
  { Amount: 10, DetailType: "SalesItemLineDetail" as const, SalesItemLineDetail: { ItemRef: REF } },
];
const EXPENSE_LINE = [
  {
    Amount: 5,
    DetailType: "AccountBasedExpenseLineDetail" as const,
    AccountBasedExpenseLineDetail: { AccountRef: REF },
  },
];

test("create returns the stored entity; read returns the same; CompanyInfo and Preferences need no id", async () => {
  const created = await qb.create("Customer", { GivenName: "Grace", FamilyName: "Hopper", Notes: "admiral" });
  assert.equal(created.DisplayName, "Grace Hopper");
  assert.equal(created.SyncToken, "0");
  assert.match(created.Id ?? "", /^\d+$/);
  assert.deepEqual(await qb.read("Customer", created.Id as string), created);
  const company = await qb.read("CompanyInfo");
  assert.equal(company.CompanyName, "Sandbox Company_US_1");
  assert.deepEqual(await qb.read("CompanyInfo", c.realmId), company);
  const prefs = await qb.read("Preferences");
  assert.equal(prefs.CurrencyPrefs?.HomeCurrency?.value, "USD");
});

test("a sparse update changes only the fields given and bumps SyncToken; a full update clears what it leaves out", async () => {
  const c1 = await qb.create("Customer", { DisplayName: "Sparse Co", Notes: "n1", CompanyName: "Sparse" });
  const c2 = await qb.update("Customer", {
    Id: c1.Id as string,
    SyncToken: c1.SyncToken as string,
    Notes: "n2",
  });
  assert.equal(c2.SyncToken, "1");
  assert.equal(c2.Notes, "n2");
  assert.equal(c2.CompanyName, "Sparse");
  assert.equal(c2.MetaData?.CreateTime, c1.MetaData?.CreateTime);
  const c3 = await qb.update(
    "Customer",
    { Id: c2.Id as string, SyncToken: c2.SyncToken as string, DisplayName: "Sparse Co" },
    { sparse: false },
  );
  assert.equal(c3.SyncToken, "2");
  assert.equal(c3.Notes, undefined);
  assert.equal(c3.CompanyName, undefined);
  assert.deepEqual(await qb.read("Customer", c1.Id as string), c3);
});

test("a stale SyncToken is a StaleObjectError (code ERR_STALE_OBJECT, Intuit's 5010) and changes nothing", async () => {
  const v0 = await qb.create("Customer", { DisplayName: "Stale Inc" });
  const v1 = await qb.update("Customer", { Id: v0.Id as string, SyncToken: "0", Notes: "first" });
  const err = await rejection(
    qb.update("Customer", { Id: v0.Id as string, SyncToken: "0", Notes: "second" }),
    StaleObjectError,
  );
  assert.ok(err instanceof QuickBooksError);
  assert.equal(err.code, "ERR_STALE_OBJECT");
  assert.equal(err.statusCode, 400);
  assert.equal(err.faultType, "ValidationFault");
  assert.equal(err.errors[0]?.code, "5010");
  assert.equal(err.errors[0]?.message, "Stale Object Error");
  assert.deepEqual(await qb.read("Customer", v0.Id as string), v1);
  // A delete with a stale token is refused the same way.
  const inv = await qb.create("Invoice", { CustomerRef: REF, Line: SALES_LINE });
  await qb.update("Invoice", { Id: inv.Id as string, SyncToken: "0", PrivateNote: "x" });
  await rejection(qb.delete("Invoice", { Id: inv.Id as string, SyncToken: "0" }), StaleObjectError);
});

test("delete removes a transaction: reads then answer 610; name lists are made inactive and leave default queries", async () => {
  const inv = await qb.create("Invoice", { CustomerRef: REF, Line: SALES_LINE });
  assert.deepEqual(await qb.delete("Invoice", { Id: inv.Id as string, SyncToken: "0" }), {
    status: "Deleted",
    domain: "QBO",
    Id: inv.Id,
  });
  const gone = await rejection(qb.read("Invoice", inv.Id as string), QuickBooksError);
  assert.equal(gone.errors[0]?.code, "610");

  const v = await qb.create("Vendor", { DisplayName: "Old Vendor" });
  const inactive = await qb.update("Vendor", { Id: v.Id as string, SyncToken: "0", Active: false });
  assert.equal(inactive.Active, false);
  const ids = async (sql: string) =>
    (
      (await qb.query<{ QueryResponse: { Vendor?: Array<{ Id: string }> } }>(sql)).QueryResponse.Vendor ?? []
    ).map((x) => x.Id);
  assert.deepEqual(await ids("select * from Vendor"), []);
  assert.deepEqual(await ids("select * from Vendor where Active in (true, false)"), [v.Id]);
  assert.deepEqual(await ids("select * from Vendor where Active = false"), [v.Id]);
});

test("refused before sending: unknown entities, creating a singleton, deleting a name list, updates without Id or SyncToken", async () => {
  const before = c.emu.counters().api;
  const cases: Array<() => Promise<unknown>> = [
    () => qb.read("Nope" as "Customer", "1"),
    () => qb.read("Customer", ""),
    () => qb.create("CompanyInfo" as CreatableEntityName, {} as CreateBody<"Customer">),
    () => qb.create("Customer", { Id: "1", DisplayName: "x" } as CreateBody<"Customer">),
    () => qb.delete("Customer" as "Invoice", { Id: "1", SyncToken: "0" }),
    () => qb.update("Customer", { Id: "1" } as { Id: string; SyncToken: string }),
    () => qb.update("Customer", { SyncToken: "0" } as { Id: string; SyncToken: string }),
    () => qb.delete("Invoice", { Id: "1" } as { Id: string; SyncToken: string }),
  ];
  for (const [i, run] of cases.entries())
    await rejection(run(), ConfigurationError).catch((e) => assert.fail(`case ${i}: ${e}`));
  assert.equal(c.emu.counters().api, before);
});

test("a DisplayName already used by a customer, vendor or employee is Intuit's 6240", async () => {
  await qb.create("Employee", { GivenName: "Unique", FamilyName: "Person" });
  const err = await rejection(qb.create("Customer", { DisplayName: "Unique Person" }), QuickBooksError);
  assert.equal(err.errors[0]?.code, "6240");
  assert.equal(err.errors[0]?.message, "Duplicate Name Exists Error");
});

// Every entity the helpers know: a minimal valid create, and a body missing the field named.
const CREATES: Array<{ entity: CreatableEntityName; ok: Record<string, unknown>; without: string }> = [
  { entity: "Customer", ok: { DisplayName: "Table Customer" }, without: "DisplayName" },
  { entity: "Vendor", ok: { CompanyName: "Table Vendor" }, without: "DisplayName" },
  { entity: "Employee", ok: { GivenName: "Table", FamilyName: "Employee" }, without: "GivenName" },
  { entity: "Item", ok: { Name: "Table Item", Type: "Service", IncomeAccountRef: REF }, without: "Name" },
  { entity: "Account", ok: { Name: "Table Account", AccountType: "Bank" }, without: "Name" },
  { entity: "Invoice", ok: { CustomerRef: REF, Line: SALES_LINE }, without: "CustomerRef" },
  { entity: "Bill", ok: { VendorRef: REF, Line: EXPENSE_LINE }, without: "VendorRef" },
  { entity: "Payment", ok: { CustomerRef: REF, TotalAmt: 10 }, without: "CustomerRef" },
  {
    entity: "BillPayment",
    ok: {
      VendorRef: REF,
      TotalAmt: 5,
      PayType: "Check",
      CheckPayment: { BankAccountRef: REF },
      Line: [{ Amount: 5, LinkedTxn: [{ TxnId: "1", TxnType: "Bill" }] }],
    },
    without: "VendorRef",
  },
  { entity: "SalesReceipt", ok: { Line: SALES_LINE }, without: "Line" },
  { entity: "Estimate", ok: { CustomerRef: REF, Line: SALES_LINE }, without: "CustomerRef" },
  { entity: "CreditMemo", ok: { CustomerRef: REF, Line: SALES_LINE }, without: "CustomerRef" },
  {
    entity: "JournalEntry",
    ok: {
      Line: [
        {
          Amount: 1,
          DetailType: "JournalEntryLineDetail",
          JournalEntryLineDetail: { PostingType: "Debit", AccountRef: REF },
        },
        {
          Amount: 1,
          DetailType: "JournalEntryLineDetail",
          JournalEntryLineDetail: { PostingType: "Credit", AccountRef: REF },
        },
      ],
    },
    without: "Line",
  },
  {
    entity: "Purchase",
    ok: { AccountRef: REF, PaymentType: "Cash", Line: EXPENSE_LINE },
    without: "AccountRef",
  },
  {
    entity: "Deposit",
    ok: { DepositToAccountRef: REF, Line: [{ Amount: 3 }] },
    without: "DepositToAccountRef",
  },
  { entity: "TimeActivity", ok: { NameOf: "Employee", EmployeeRef: REF, Hours: 2 }, without: "NameOf" },
  { entity: "Attachable", ok: { Note: "a note" }, without: "Note" },
];

const NAMELESS: Partial<Record<CreatableEntityName, Record<string, unknown>>> = {
  Customer: { Notes: "no name" },
  Vendor: { AcctNum: "no name" },
  Employee: { EmployeeNumber: "no name" },
};

/** Every field given is in the answer (production adds to it: reference names, line Ids, totals). */
function kept(given: unknown, got: unknown, where: string): void {
  if (given && typeof given === "object") {
    assert.ok(got && typeof got === "object", where);
    for (const [k, v] of Object.entries(given)) kept(v, (got as Record<string, unknown>)[k], `${where}.${k}`);
  } else assert.deepEqual(got, given, where);
}

for (const { entity, ok, without } of CREATES) {
  test(`${entity}: created, read back; without ${without} a ValidationFault 2020 naming it`, async () => {
    const created = (await qb.create(entity, ok as CreateBody<typeof entity>)) as Record<string, unknown>;
    assert.equal(created["SyncToken"], "0");
    kept(ok, created, entity);
    assert.deepEqual(await qb.read(entity, created["Id"] as string), created);
    const { [without]: _dropped, ...rest } = ok;
    // The people need none of their name fields at all to be refused.
    const body = NAMELESS[entity] ?? rest;
    const err = await rejection(qb.create(entity, body as CreateBody<typeof entity>), QuickBooksError);
    assert.equal(err.statusCode, 400);
    assert.deepEqual(
      err.errors.map((e) => [e.code, e.element, e.detail]),
      [["2020", without, `Required parameter ${without} is missing in the request`]],
    );
  });
}

test("types: a Customer read is usable without casts", async () => {
  const customer: Customer = await qb.read("Customer", "1");
  assert.equal(customer.DisplayName, "Amy's Bird Sanctuary");
  assert.equal(customer.Balance, 239);
});
