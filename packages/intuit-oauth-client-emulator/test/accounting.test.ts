// The emulator's whole-API answers over raw HTTP (issue 21): computed customers and balances, void in
// both wire forms, email send with its record, PDFs per document and 610 for a missing one, reports
// computed from the company's data, the added entities, and refusal of unknown operations and params.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../src/index.js";
import { connect, raw, REALM_1, type RawResponse } from "./helpers.js";

let emu: Emulator;
let token: string;
before(async () => {
  emu = await startEmulator({ port: 0, admin: true });
  token = (await connect(emu, {}, REALM_1)).access_token;
});
after(() => emu.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function call(path: string, body?: unknown): Promise<RawResponse> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(`${emu.url}/v3/company/${REALM_1}/${path}`, {
    method: text === undefined ? "GET" : "POST",
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      ...(text === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(text === undefined ? {} : { body: text }),
  });
}
const ok = async (path: string, body?: unknown): Promise<Json> => {
  const res = await call(path, body);
  assert.equal(res.status, 200, `${path}: ${res.text}`);
  return JSON.parse(res.text) as Json;
};
const faultOf = async (path: string, body?: unknown): Promise<[string, string]> => {
  const res = await call(path, body);
  assert.equal(res.status, 400, `${path}: ${res.text}`);
  const e = (JSON.parse(res.text) as Json)["Fault"]["Error"][0];
  return [e.code, e.element];
};
const line = (amount: number) => ({
  Amount: amount,
  DetailType: "SalesItemLineDetail",
  SalesItemLineDetail: {},
});

test("a created customer carries production's fields; a job's FullyQualifiedName is Parent:Child", async () => {
  const parent = (await ok("customer", { DisplayName: "Acme Holdings" }))["Customer"];
  assert.equal(parent.FullyQualifiedName, "Acme Holdings");
  for (const [k, v] of Object.entries({
    Balance: 0,
    BalanceWithJobs: 0,
    Job: false,
    BillWithParent: false,
    PrintOnCheckName: "Acme Holdings",
    PreferredDeliveryMethod: "Print",
    Taxable: true,
    Active: true,
  }))
    assert.deepEqual(parent[k], v, k);
  assert.deepEqual(parent.CurrencyRef, { value: "USD", name: "United States Dollar" });
  const job = (await ok("customer", { DisplayName: "Acme Roof", ParentRef: { value: parent.Id } }))[
    "Customer"
  ];
  assert.equal(job.FullyQualifiedName, "Acme Holdings:Acme Roof");
  assert.equal(job.Job, true);
  assert.equal(job.ParentRef.name, "Acme Holdings");
});

test("Qty × UnitPrice, DocNumber per type, terms' DueDays, item and customer names; balances follow invoices, payments and a void", async () => {
  const customer = (await ok("customer", { DisplayName: "Balance Bird" }))["Customer"];
  const income = (await ok("account", { Name: "Design income", AccountType: "Income" }))["Account"];
  assert.equal(income.Classification, "Revenue");
  const item = (await ok("item", { Name: "Design", IncomeAccountRef: { value: income.Id } }))["Item"];
  assert.equal(item.IncomeAccountRef.name, "Design income");
  const term = (await ok("term", { Name: "Net 15", DueDays: 15 }))["Term"];
  const invoice = (
    await ok("invoice", {
      CustomerRef: { value: customer.Id },
      SalesTermRef: { value: term.Id },
      TxnDate: "2026-03-01",
      Line: [
        {
          DetailType: "SalesItemLineDetail",
          SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 3, UnitPrice: 12.5 },
        },
      ],
    })
  )["Invoice"];
  assert.equal(invoice.Line[0].Amount, 37.5);
  assert.equal(invoice.Line[0].SalesItemLineDetail.ItemRef.name, "Design");
  assert.equal(invoice.TotalAmt, 37.5);
  assert.equal(invoice.Balance, 37.5);
  assert.equal(invoice.DueDate, "2026-03-16");
  assert.equal(invoice.SalesTermRef.name, "Net 15");
  assert.equal(invoice.CustomerRef.name, "Balance Bird");
  const estimate = (await ok("estimate", { CustomerRef: { value: customer.Id }, Line: [line(5)] }))[
    "Estimate"
  ];
  assert.equal(estimate.DocNumber, "1001", "each document type has its own sequence");
  const balance = async () => (await ok(`customer/${customer.Id}`))["Customer"].Balance as number;
  assert.equal(await balance(), 37.5);
  const payment = (
    await ok("payment", {
      CustomerRef: { value: customer.Id },
      TotalAmt: 20,
      Line: [{ Amount: 20, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
    })
  )["Payment"];
  assert.equal(await balance(), 17.5);
  assert.equal((await ok(`invoice/${invoice.Id}`))["Invoice"].Balance, 17.5);
  // Payment's void: operation=update&include=void (never an ordinary update).
  const voided = (
    await ok("payment?operation=update&include=void", {
      Id: payment.Id,
      SyncToken: payment.SyncToken,
      sparse: true,
    })
  )["Payment"];
  assert.equal(voided.TotalAmt, 0);
  assert.equal(voided.PrivateNote, "Voided");
  assert.equal(await balance(), 37.5);
  assert.equal((await ok(`invoice/${invoice.Id}`))["Invoice"].Balance, 37.5);
  const current = (await ok(`invoice/${invoice.Id}`))["Invoice"];
  const voidInvoice = (await ok("invoice?operation=void", { Id: current.Id, SyncToken: current.SyncToken }))[
    "Invoice"
  ];
  assert.equal(voidInvoice.TotalAmt, 0);
  assert.equal(voidInvoice.Balance, 0);
  assert.equal(voidInvoice.PrivateNote, "Voided");
  assert.equal(voidInvoice.SyncToken, String(Number(current.SyncToken) + 1));
  assert.equal(await balance(), 0);
});

test("void, include and unknown operations or parameters are refused, never run as something else", async () => {
  const bill = (
    await ok("bill", {
      VendorRef: { value: (await ok("vendor", { DisplayName: "Paper Co" }))["Vendor"].Id },
      Line: [{ Amount: 9, DetailType: "AccountBasedExpenseLineDetail", AccountBasedExpenseLineDetail: {} }],
    })
  )["Bill"];
  const ref = { Id: bill.Id, SyncToken: bill.SyncToken };
  assert.deepEqual(await faultOf("bill?operation=void", ref), ["4001", ""]);
  assert.deepEqual(await faultOf("bill?operation=update&include=void", { ...ref, sparse: true }), [
    "4001",
    "",
  ]);
  assert.deepEqual(await faultOf("invoice?operation=update&include=void", { Id: "1", SyncToken: "0" }), [
    "4001",
    "",
  ]);
  assert.deepEqual(await faultOf("bill?operation=merge", ref), ["4001", ""]);
  assert.deepEqual(await faultOf("bill?include=everything", ref), ["4001", ""]);
  assert.deepEqual(await faultOf("bill?frobnicate=1", ref), ["2010", "frobnicate"]);
  assert.equal((await ok(`bill/${bill.Id}`))["Bill"].SyncToken, bill.SyncToken, "nothing ran");
});

test("send: EmailSent with DeliveryInfo, recorded for sentEmails(); 610 for a missing document, 2020 with no address", async () => {
  const invoice = (await ok("invoice", { CustomerRef: { value: "1" }, Line: [line(10)] }))["Invoice"];
  const sent = (await ok(`invoice/${invoice.Id}/send?sendTo=${encodeURIComponent("amy@example.com")}`, {}))[
    "Invoice"
  ];
  assert.equal(sent.EmailStatus, "EmailSent");
  assert.equal(sent.DeliveryInfo.DeliveryType, "Email");
  assert.equal(sent.BillEmail.Address, "amy@example.com");
  const record = emu.sentEmails(REALM_1).at(-1);
  assert.deepEqual([record?.entity, record?.id, record?.to], ["Invoice", invoice.Id, "amy@example.com"]);
  const admin = await raw(`${emu.url}/__admin/sent-emails?realmId=${REALM_1}`);
  assert.equal((JSON.parse(admin.text) as unknown[]).length, emu.sentEmails(REALM_1).length);
  assert.deepEqual(await faultOf("invoice/999999/send", {}), ["610", ""]);
  const estimate = (await ok("estimate", { CustomerRef: { value: "1" }, Line: [line(1)] }))["Estimate"];
  assert.deepEqual(await faultOf(`estimate/${estimate.Id}/send`, {}), ["2020", "BillEmail"]);
});

test("PDF for every document type, naming its number and total; 610 for a missing or deleted one", async () => {
  for (const [entity, body] of [
    ["invoice", { CustomerRef: { value: "1" }, Line: [line(42)] }],
    ["estimate", { CustomerRef: { value: "1" }, Line: [line(42)] }],
    ["creditmemo", { CustomerRef: { value: "1" }, Line: [line(42)] }],
    ["salesreceipt", { Line: [line(42)] }],
    ["refundreceipt", { Line: [line(42)], DepositToAccountRef: { value: "1" } }],
    [
      "purchaseorder",
      { VendorRef: { value: "1" }, Line: [{ Amount: 42, DetailType: "AccountBasedExpenseLineDetail" }] },
    ],
  ] as const) {
    const doc = Object.values(await ok(entity, body))[0] as Json;
    const res = await raw(`${emu.url}/v3/company/${REALM_1}/${entity}/${doc.Id}/pdf`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/pdf" },
    });
    assert.equal(res.status, 200, entity);
    assert.equal(res.headers["content-type"], "application/pdf");
    const text = res.body.toString("latin1");
    assert.ok(text.startsWith("%PDF-1.4") && text.trimEnd().endsWith("%%EOF"), entity);
    assert.match(text, new RegExp(`\\(\\w+ ${doc.DocNumber ?? doc.Id}\\) Tj 0 -28 Td \\(Total 42\\.00\\)`));
    assert.equal(res.body.length, 65536);
  }
  assert.deepEqual(await faultOf("invoice/424242/pdf"), ["610", ""]);
  const gone = (await ok("invoice", { CustomerRef: { value: "1" }, Line: [line(1)] }))["Invoice"];
  await ok("invoice?operation=delete", { Id: gone.Id, SyncToken: gone.SyncToken });
  assert.deepEqual(await faultOf(`invoice/${gone.Id}/pdf`), ["610", ""]);
  assert.equal((await call(`bill/1/pdf`)).status, 400, "no PDF for a bill");
});

type ReportRow = {
  ColData?: Array<{ value: string; id?: string }>;
  Rows?: { Row: ReportRow[] };
  Summary?: { ColData: Array<{ value: string }> };
  group?: string;
};
const findRow = (rows: ReportRow[], pred: (r: ReportRow) => boolean): ReportRow | undefined => {
  for (const r of rows) {
    if (pred(r)) return r;
    const inner = r.Rows ? findRow(r.Rows.Row, pred) : undefined;
    if (inner) return inner;
  }
  return undefined;
};

test("reports agree with the entities: an invoice in the period is income, receivable, aged and in the customer's balance", async () => {
  const other = await startEmulator({ port: 0 });
  try {
    const t = (await connect(other, {}, REALM_1)).access_token;
    const get = async (path: string, body?: unknown) => {
      const res = await raw(`${other.url}/v3/company/${REALM_1}/${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          authorization: `Bearer ${t}`,
          accept: "application/json",
          "content-type": "application/json",
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      assert.equal(res.status, 200, res.text);
      return JSON.parse(res.text) as Json;
    };
    const invoice = (await get("invoice", { CustomerRef: { value: "3" }, Line: [line(250)] }))["Invoice"];
    await get("bill", {
      VendorRef: { value: (await get("vendor", { DisplayName: "Ink Ltd" }))["Vendor"].Id },
      Line: [{ Amount: 40, DetailType: "AccountBasedExpenseLineDetail", AccountBasedExpenseLineDetail: {} }],
    });
    const day = invoice.TxnDate as string;
    const range = `start_date=${day}&end_date=${day}`;
    const pl = await get(`reports/ProfitAndLoss?${range}`);
    assert.equal(pl.Header.ReportName, "ProfitAndLoss");
    assert.equal(pl.Header.StartPeriod, day);
    assert.deepEqual(
      pl.Columns.Column.map((c: Json) => c.ColType),
      ["Account", "Money"],
    );
    const rows = pl.Rows.Row as ReportRow[];
    assert.equal(rows.find((r) => r.group === "Income")?.Summary?.ColData[1]?.value, "250.00");
    assert.equal(rows.find((r) => r.group === "Expenses")?.Summary?.ColData[1]?.value, "40.00");
    assert.equal(rows.find((r) => r.group === "NetIncome")?.Summary?.ColData[1]?.value, "210.00");
    const before = await get(`reports/ProfitAndLoss?start_date=2000-01-01&end_date=2000-12-31`);
    assert.equal(
      (before.Rows.Row as ReportRow[]).find((r) => r.group === "NetIncome")?.Summary?.ColData[1]?.value,
      "0.00",
    );
    const bs = await get(`reports/BalanceSheet?end_date=${day}`);
    const bsRows = bs.Rows.Row as ReportRow[];
    assert.equal(
      findRow(bsRows, (r) => r.ColData?.[0]?.value === "Accounts Receivable (A/R)")?.ColData?.[1]?.value,
      "250.00",
    );
    assert.equal(
      bsRows[0]?.Summary?.ColData[1]?.value,
      bsRows[1]?.Summary?.ColData[1]?.value,
      "assets = liabilities + equity",
    );
    const tb = await get(`reports/TrialBalance?end_date=${day}`);
    const total = (tb.Rows.Row as ReportRow[]).at(-1)?.Summary?.ColData;
    assert.equal(total?.[1]?.value, total?.[2]?.value, "debits = credits");
    const ar = await get(`reports/AgedReceivables?report_date=${day}`);
    const cool = findRow(ar.Rows.Row, (r) => r.ColData?.[0]?.id === "3");
    assert.equal(cool?.ColData?.[1]?.value, "250.00", "current bucket");
    const balances = await get("reports/CustomerBalance?customer=3");
    assert.equal(
      findRow(balances.Rows.Row, (r) => r.ColData?.[0]?.id === "3")?.ColData?.[1]?.value,
      "250.00",
    );
    const list = await get(`reports/TransactionList?${range}`);
    assert.ok(
      findRow(list.Rows.Row, (r) => r.ColData?.[1]?.id === invoice.Id && r.ColData?.[1]?.value === "Invoice"),
    );
    const gl = await get(`reports/GeneralLedger?${range}`);
    assert.ok(findRow(gl.Rows.Row, (r) => r.ColData?.[1]?.value === "Bill"));
    const ap = await get(`reports/AgedPayableDetail?report_date=${day}`);
    assert.ok(findRow(ap.Rows.Row, (r) => r.ColData?.[6]?.value === "40.00"));
    for (const name of [
      "CashFlow",
      "ItemSales",
      "DepartmentSales",
      "ClassSales",
      "VendorExpenses",
      "AccountList",
    ]) {
      const empty = await get(`reports/${name}`);
      assert.equal(empty.Header.ReportName, name);
      assert.ok(Array.isArray(empty.Columns.Column), name);
      assert.deepEqual(empty.Rows, {}, name);
    }
    assert.equal(
      (
        await raw(`${other.url}/v3/company/${REALM_1}/reports/Nope`, {
          headers: { authorization: `Bearer ${t}` },
        })
      ).status,
      400,
    );
  } finally {
    await other.close();
  }
});

test("the added entities: name lists, read-only tax lists, TaxService, exchange rates, multicurrency, CDC and batch", async () => {
  for (const [entity, body] of [
    ["class", { Name: "Retail" }],
    ["department", { Name: "East" }],
    ["paymentmethod", { Name: "Wire" }],
    ["journalcode", { Name: "VT" }],
    ["taxagency", { DisplayName: "State Board" }],
  ] as const) {
    const made = Object.values(await ok(entity, body))[0] as Json;
    assert.equal(made.SyncToken, "0", entity);
    const q = await ok(
      `query?query=${encodeURIComponent(`select * from ${entity} where Id = '${made.Id}'`)}`,
    );
    assert.equal((Object.values(q["QueryResponse"])[0] as Json[])[0]?.Id, made.Id, entity);
  }
  assert.deepEqual(await faultOf("class", {}), ["2020", "Name"]);
  assert.deepEqual(await faultOf("taxcode", { Name: "X" }), ["4001", ""]);
  assert.deepEqual(await faultOf("taxrate", { Name: "X" }), ["4001", ""]);
  assert.deepEqual(await faultOf("budget", { Name: "X" }), ["4001", ""]);
  assert.deepEqual(await faultOf("companycurrency", { Code: "EUR" }), ["6000", ""]);
  const agency = (await ok("query?query=select%20*%20from%20TaxAgency"))["QueryResponse"]["TaxAgency"][0];
  const service = (
    await ok("taxservice/taxcode", {
      TaxCode: "City",
      TaxRateDetails: [{ TaxRateName: "City 8%", RateValue: 8, TaxAgencyId: agency.Id }],
    })
  )["TaxService"];
  const taxed = (
    await ok("invoice", {
      CustomerRef: { value: "1" },
      TxnTaxDetail: { TxnTaxCodeRef: { value: service.TaxCodeId } },
      Line: [
        {
          Amount: 50,
          DetailType: "SalesItemLineDetail",
          SalesItemLineDetail: { TaxCodeRef: { value: "TAX" } },
        },
      ],
    })
  )["Invoice"];
  assert.equal(taxed.TxnTaxDetail.TotalTax, 4);
  assert.equal(taxed.TotalAmt, 54);
  assert.equal((await ok("exchangerate?sourcecurrencycode=USD"))["ExchangeRate"].Rate, 1);
  assert.deepEqual(await faultOf("exchangerate?sourcecurrencycode=EUR&asofdate=2026-01-01"), ["610", ""]);
  await ok("exchangerate", { SourceCurrencyCode: "EUR", Rate: 1.1, AsOfDate: "2025-12-01" });
  assert.equal(
    (await ok("exchangerate?sourcecurrencycode=EUR&asofdate=2026-01-01"))["ExchangeRate"].Rate,
    1.1,
  );
  const since = encodeURIComponent(new Date(emu.clock.now() - 60_000).toISOString());
  const cdc = await ok(`cdc?entities=Class,Term,Transfer,VendorCredit,PurchaseOrder&changedSince=${since}`);
  assert.ok(cdc["CDCResponse"][0].QueryResponse[0].Class.length >= 1);
  assert.deepEqual(await faultOf(`cdc?entities=TaxCode&changedSince=${since}`), ["4001", "entities"]);
  const batch = await ok("batch", {
    BatchItemRequest: [
      {
        bId: "1",
        operation: "create",
        Transfer: { FromAccountRef: { value: "1" }, ToAccountRef: { value: "2" }, Amount: 5 },
      },
      {
        bId: "2",
        operation: "create",
        VendorCredit: {
          VendorRef: { value: "1" },
          Line: [{ Amount: 3, DetailType: "AccountBasedExpenseLineDetail" }],
        },
      },
      { bId: "3", operation: "create", TaxCode: { Name: "Nope" } },
    ],
  });
  const items = batch["BatchItemResponse"] as Json[];
  assert.equal(items[0]?.Transfer.Amount, 5);
  assert.equal(items[1]?.VendorCredit.TotalAmt, 3);
  assert.equal(items[2]?.Fault.Error[0].code, "4001");
});
