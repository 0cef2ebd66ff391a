import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startEmulator, type Emulator } from "../src/index.js";
import { api, connect, REALM_1, REALM_2, TID } from "./helpers.js";

let emu: Emulator;
let token: string;
before(async () => {
  emu = await startEmulator({ port: 0, autoApprove: true });
  token = (await connect(emu)).access_token;
});
after(() => emu.close());

/** Production's `time`: Pacific wall-clock time with its offset, e.g. 2025-01-01T10:00:00.000-08:00. */
export const API_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]:00$/;

test("companyinfo returns the company of the realm", async () => {
  const res = await api(emu, token, `${REALM_1}/companyinfo/${REALM_1}?minorversion=75`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("intuit_tid") ?? "", TID);
  const body = (await res.json()) as { CompanyInfo: Record<string, unknown>; time: string };
  assert.equal(body.CompanyInfo.CompanyName, "Sandbox Company_US_1");
  assert.equal(body.CompanyInfo.Id, "1");
  assert.equal(body.CompanyInfo.Country, "US");
  assert.match(body.time, API_TIME);
  assert.ok(Math.abs(Date.parse(body.time) - emu.clock.now()) < 5000);
  // The fields production returns, beyond the name.
  assert.equal(body.CompanyInfo.FiscalYearStartMonth, "January");
  assert.equal(body.CompanyInfo.SupportedLanguages, "en");
  assert.deepEqual(body.CompanyInfo.CompanyAddr, {
    Id: "1",
    Line1: "2700 Coast Ave",
    City: "Mountain View",
    CountrySubDivisionCode: "CA",
    Country: "US",
    PostalCode: "94043",
  });
  assert.deepEqual(body.CompanyInfo.LegalAddr, body.CompanyInfo.CompanyAddr);
  assert.deepEqual(body.CompanyInfo.Email, { Address: "noreply@quickbooks.com" });
  const nameValue = body.CompanyInfo.NameValue as Array<{ Name: string; Value: string }>;
  assert.equal(nameValue.find((n) => n.Name === "OfferingSku")?.Value, "QuickBooks Online Plus");
  assert.equal(nameValue.find((n) => n.Name === "SubscriptionStatus")?.Value, "SUBSCRIBED");
  const meta = body.CompanyInfo.MetaData as { CreateTime: string; LastUpdatedTime: string };
  assert.match(meta.CreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[78]:00$/);
  assert.equal(body.CompanyInfo.CompanyStartDate, meta.CreateTime.slice(0, 10));
  // Another company's id under this realm is not found.
  const other = await api(emu, token, `${REALM_1}/companyinfo/${REALM_2}`);
  assert.equal(other.status, 400);
});

test("query Customer with and without maxresults; count; unknown entity → 4000", async () => {
  const q = (text: string) =>
    api(emu, token, `${REALM_1}/query?query=${encodeURIComponent(text)}&minorversion=75`);
  const all = (await (await q("select * from Customer")).json()) as {
    QueryResponse: {
      Customer: Array<{ Id: string; DisplayName: string }>;
      startPosition: number;
      maxResults: number;
    };
  };
  assert.deepEqual(
    all.QueryResponse.Customer.map((c) => c.Id),
    ["1", "2", "3", "4", "5"],
  );
  assert.equal(all.QueryResponse.Customer[0]?.DisplayName, "Amy's Bird Sanctuary");
  assert.equal(all.QueryResponse.startPosition, 1);
  assert.equal(all.QueryResponse.maxResults, 5);
  const two = (await (await q("SELECT * FROM Customer MAXRESULTS 2")).json()) as {
    QueryResponse: { Customer: unknown[]; maxResults: number };
  };
  assert.equal(two.QueryResponse.Customer.length, 2);
  assert.equal(two.QueryResponse.maxResults, 2);
  const count = (await (await q("select count(*) from Customer")).json()) as { QueryResponse: unknown };
  assert.deepEqual(count.QueryResponse, { totalCount: 5 });
  const bad = await q("select * from Nonsense");
  assert.equal(bad.status, 400);
  const fault = (await bad.json()) as { Fault: { Error: Array<{ code: string }>; type: string } };
  assert.equal(fault.Fault.type, "ValidationFault");
  assert.equal(fault.Fault.Error[0]?.code, "4000");
});

test("customer by id; unknown id → 400 code 610", async () => {
  const res = await api(emu, token, `${REALM_1}/customer/2`);
  const body = (await res.json()) as { Customer: { DisplayName: string } };
  assert.equal(body.Customer.DisplayName, "Bill's Windsurf Shop");
  const missing = await api(emu, token, `${REALM_1}/customer/999`);
  assert.equal(missing.status, 400);
  assert.equal(
    ((await missing.json()) as { Fault: { Error: Array<{ code: string }> } }).Fault.Error[0]?.code,
    "610",
  );
});

test("POST invoice answers what production computes (totals, DocNumber, dates, lines, names); invalid JSON → 2500", async () => {
  const invoice = { Line: [{ Amount: 100, DetailType: "SalesItemLineDetail" }], CustomerRef: { value: "1" } };
  const res = await api(emu, token, `${REALM_1}/invoice?minorversion=75`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(invoice),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { Invoice: Record<string, unknown> };
  const meta = body.Invoice.MetaData as { CreateTime: string; LastUpdatedTime: string };
  assert.match(meta.CreateTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[78]:00$/);
  const today = meta.CreateTime.slice(0, 10);
  const due = new Date(Date.parse(`${today}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10);
  assert.deepEqual(body.Invoice, {
    Line: [
      { Amount: 100, DetailType: "SalesItemLineDetail", Id: "1", LineNum: 1 },
      { Amount: 100, DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} },
    ],
    CustomerRef: { value: "1", name: "Amy's Bird Sanctuary" },
    TxnDate: today,
    DocNumber: "1001",
    DueDate: due, // the company's default terms, Net 30
    CurrencyRef: { value: "USD", name: "United States Dollar" },
    TxnTaxDetail: { TotalTax: 0 },
    TotalAmt: 100,
    Balance: 100,
    EmailStatus: "NotSet",
    PrintStatus: "NotSet",
    Id: "1001",
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: { CreateTime: meta.CreateTime, LastUpdatedTime: meta.CreateTime },
  });
  const read = (await (await api(emu, token, `${REALM_1}/invoice/1001`)).json()) as { Invoice: unknown };
  assert.deepEqual(read.Invoice, body.Invoice);
  const bad = await api(emu, token, `${REALM_1}/invoice`, { method: "POST", body: "{nope" });
  assert.equal(bad.status, 400);
  const fault = (await bad.json()) as {
    Fault: { Error: Array<{ code: string; element: string }>; type: string };
  };
  assert.equal(fault.Fault.type, "ValidationFault");
  assert.equal(fault.Fault.Error[0]?.code, "2500");
  assert.equal(fault.Fault.Error[0]?.element, "");
});

test("invoice PDF of a saved invoice: 64 KiB, %PDF-1.4, every byte value, stable hash per id", async () => {
  const create = async (amount: number) => {
    const res = await api(emu, token, `${REALM_1}/invoice`, {
      method: "POST",
      body: JSON.stringify({
        CustomerRef: { value: "1" },
        Line: [{ Amount: amount, DetailType: "SalesItemLineDetail" }],
      }),
    });
    assert.equal(res.status, 200);
    return String(((await res.json()) as { Invoice: { Id: string } }).Invoice.Id);
  };
  const [first, second] = [await create(130), await create(131)];
  const get = async (id: string) => {
    const res = await api(emu, token, `${REALM_1}/invoice/${id}/pdf`, {
      headers: { accept: "application/pdf" },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    return Buffer.from(await res.arrayBuffer());
  };
  const a = await get(first);
  assert.equal(a.length, 65536);
  assert.equal(a.subarray(0, 8).toString("latin1"), "%PDF-1.4");
  assert.equal(new Set(a).size, 256);
  const hash = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  assert.equal(hash(await get(first)), hash(a));
  assert.notEqual(hash(await get(second)), hash(a));
});

test("more than maxConcurrent in flight per realm → 429 ThrottleExceeded; stats show the peak", async () => {
  const other = await startEmulator({
    port: 0,
    autoApprove: true,
    apiDelayMs: 150,
    apiLimits: { maxConcurrent: 3 },
  });
  try {
    const t = (await connect(other)).access_token;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api(other, t, `${REALM_1}/companyinfo/${REALM_1}`)),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const throttled = results.find((r) => r.status === 429);
    // Production's 429: XML whatever Accept says, Fault type SERVICE, code 3001.
    assert.equal(throttled?.headers.get("content-type"), "application/xml;charset=UTF-8");
    assert.match(
      (await throttled?.text()) ?? "",
      /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>\n<IntuitResponse xmlns="http:\/\/schema\.intuit\.com\/finance\/v3" time="[^"]+-0[78]:00"><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429<\/Message><Detail>The request limit was reached\. {2}Try again later<\/Detail><\/Error><\/Fault><\/IntuitResponse>$/,
    );
    // A refused request counts while it is being refused, so the peak shows the client went over.
    assert.deepEqual(other.apiStats(REALM_1), { inFlight: 0, maxInFlight: 4 });
    assert.deepEqual(other.apiStats(), { inFlight: 0, maxInFlight: 4 });
    assert.deepEqual(other.apiStats(REALM_2), { inFlight: 0, maxInFlight: 0 });
    other.resetCounters();
    assert.deepEqual(other.apiStats(REALM_1), { inFlight: 0, maxInFlight: 0 });
  } finally {
    await other.close();
  }
});

test("more than perMinute per realm per emulator minute → 429, next minute OK", async () => {
  const other = await startEmulator({ port: 0, autoApprove: true, apiLimits: { perMinute: 3 } });
  try {
    const t = (await connect(other)).access_token;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api(other, t, `${REALM_1}/customer/1`)).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    other.advanceClock(60_000);
    assert.equal((await api(other, t, `${REALM_1}/customer/1`)).status, 200);
  } finally {
    await other.close();
  }
});
