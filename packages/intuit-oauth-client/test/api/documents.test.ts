// qb.void, qb.email, qb.pdf and qb.exchangeRate: the wire form of each against a loopback fixture
// shaped after Intuit's documented answers (the emulator half serves them on its own branch), typed
// refusals before anything is sent, and Faults as QuickBooksError.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ConfigurationError } from "../../src/common/errors.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { PDF_ENTITIES, SENDABLE_ENTITIES, VOIDABLE_ENTITIES } from "../../src/api/documents.js";
import { fixtureServer, type Fixture, type SeenRequest } from "./fixture-server.js";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
const notFound = {
  status: 400,
  body: {
    Fault: {
      Error: [
        {
          Message: "Object Not Found",
          Detail: "Object Not Found : Something you're trying to use has been made inactive or is not found",
          code: "610",
        },
      ],
      type: "ValidationFault",
    },
    time: "2026-04-01T10:00:00.000-07:00",
  },
};

function entityOf(req: SeenRequest): string {
  const m = /\/v3\/company\/\d+\/(\w+)/.exec(req.url);
  const name = m?.[1] ?? "";
  const all = [
    "Invoice",
    "Payment",
    "SalesReceipt",
    "BillPayment",
    "Estimate",
    "CreditMemo",
    "PurchaseOrder",
    "RefundReceipt",
  ];
  return all.find((n) => n.toLowerCase() === name) ?? name;
}

let fx: Fixture;
before(async () => {
  fx = await fixtureServer((req) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname.endsWith("/exchangerate"))
      return {
        body: {
          ExchangeRate: {
            SourceCurrencyCode: url.searchParams.get("sourcecurrencycode"),
            TargetCurrencyCode: "USD",
            Rate: 1.08,
            AsOfDate: url.searchParams.get("asofdate") ?? "2026-04-01",
            SyncToken: "0",
          },
        },
      };
    if (url.pathname.includes("/999/")) return notFound;
    if (url.pathname.endsWith("/pdf")) return { contentType: "application/pdf", body: PDF };
    const entity = entityOf(req);
    if (url.pathname.endsWith("/send"))
      return {
        body: {
          [entity]: {
            Id: url.pathname.split("/").at(-2),
            SyncToken: "1",
            EmailStatus: "EmailSent",
            DeliveryInfo: { DeliveryType: "Email", DeliveryTime: "2026-04-01T10:00:00-07:00" },
            ...(url.searchParams.get("sendTo")
              ? { BillEmail: { Address: url.searchParams.get("sendTo") } }
              : {}),
          },
        },
      };
    if (req.method === "POST") {
      const body = JSON.parse(req.body) as { Id: string; SyncToken: string };
      return {
        body: {
          [entity]: {
            Id: body.Id,
            SyncToken: String(Number(body.SyncToken) + 1),
            TotalAmt: 0,
            PrivateNote: "Voided",
          },
        },
      };
    }
    return undefined;
  });
});
after(() => fx.close());

test("void: Invoice, SalesReceipt and BillPayment take operation=void; Payment a sparse update with include=void", async () => {
  for (const entity of Object.keys(VOIDABLE_ENTITIES) as Array<keyof typeof VOIDABLE_ENTITIES>) {
    fx.seen.length = 0;
    const voided = await fx.qb.void(entity, { Id: "42", SyncToken: "3" });
    assert.equal(voided.SyncToken, "4");
    assert.equal(voided.TotalAmt, 0);
    const [req] = fx.seen;
    const url = new URL(req!.url, fx.url);
    assert.equal(req!.method, "POST");
    assert.equal(url.pathname, `/v3/company/9130350000000001/${entity.toLowerCase()}`);
    assert.ok(url.searchParams.get("requestid"), "a void carries a requestid");
    if (entity === "Payment") {
      assert.equal(url.searchParams.get("operation"), "update");
      assert.equal(url.searchParams.get("include"), "void");
      assert.deepEqual(JSON.parse(req!.body), { Id: "42", SyncToken: "3", sparse: true });
    } else {
      assert.equal(url.searchParams.get("operation"), "void");
      assert.equal(url.searchParams.get("include"), null);
      assert.deepEqual(JSON.parse(req!.body), { Id: "42", SyncToken: "3" });
    }
  }
});

test("void, email, pdf: an entity Intuit does not allow is a type error and a ConfigurationError; nothing is sent", async () => {
  fx.seen.length = 0;
  const refused = [
    // @ts-expect-error a Bill cannot be voided
    () => fx.qb.void("Bill", { Id: "1", SyncToken: "0" }),
    () => fx.qb.void("Invoice", { Id: "", SyncToken: "0" }),
    // @ts-expect-error a Bill is not emailed
    () => fx.qb.email("Bill", "1"),
    () => fx.qb.email("Invoice", "1", { to: "a@b.example, c@d.example" }),
    // @ts-expect-error no PDF of a PurchaseOrder through the API
    () => fx.qb.pdf("PurchaseOrder", "1"),
    () => fx.qb.pdf("Invoice", " "),
  ];
  for (const call of refused)
    assert.ok((await call().catch((e: unknown) => e)) instanceof ConfigurationError);
  assert.equal(fx.seen.length, 0);
});

test("email: POST {entity}/{id}/send, with sendTo when given, answered with the sent document", async () => {
  for (const entity of SENDABLE_ENTITIES) {
    fx.seen.length = 0;
    const sent = await fx.qb.email(entity, "7", entity === "Invoice" ? { to: "billing@example.com" } : {});
    assert.equal(sent.EmailStatus, "EmailSent");
    const url = new URL(fx.seen[0]!.url, fx.url);
    assert.equal(fx.seen[0]!.method, "POST");
    assert.equal(url.pathname, `/v3/company/9130350000000001/${entity.toLowerCase()}/7/send`);
    assert.equal(url.searchParams.get("sendTo"), entity === "Invoice" ? "billing@example.com" : null);
    assert.equal(fx.seen[0]!.headers["content-type"], "application/octet-stream");
  }
});

test("pdf: bytes or a stream for every document Intuit serves; a missing one is a QuickBooksError, not a PDF", async () => {
  for (const entity of PDF_ENTITIES) {
    const bytes = await fx.qb.pdf(entity, "7");
    assert.ok(bytes instanceof ArrayBuffer);
    assert.deepEqual(Buffer.from(bytes), PDF);
  }
  assert.equal(fx.seen.at(-1)!.headers.accept, "application/pdf");
  const stream = await fx.qb.pdf("Estimate", "7", { responseType: "stream" });
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  assert.deepEqual(Buffer.concat(chunks), PDF);
  const missing = await fx.qb.pdf("Invoice", "999").catch((e: unknown) => e);
  assert.ok(missing instanceof QuickBooksError);
  assert.equal(missing.errors[0]?.code, "610");
});

test("exchangeRate: GET exchangerate with the currency and day; read('ExchangeRate', code) is today's", async () => {
  fx.seen.length = 0;
  const rate = await fx.qb.exchangeRate("eur", { asOfDate: new Date("2026-03-31T12:00:00Z") });
  assert.equal(rate.Rate, 1.08);
  assert.equal(rate.AsOfDate, "2026-03-31");
  const today = await fx.qb.read("ExchangeRate", "GBP");
  assert.equal(today.SourceCurrencyCode, "GBP");
  const [a, b] = fx.seen.map((s) => new URL(s.url, fx.url));
  assert.equal(a!.pathname, "/v3/company/9130350000000001/exchangerate");
  assert.deepEqual(Object.fromEntries(a!.searchParams), {
    sourcecurrencycode: "EUR",
    asofdate: "2026-03-31",
    minorversion: "75",
  });
  assert.deepEqual(Object.fromEntries(b!.searchParams), { sourcecurrencycode: "GBP", minorversion: "75" });
  for (const bad of [
    () => fx.qb.exchangeRate("EURO"),
    () => fx.qb.exchangeRate("EUR", { asOfDate: "31/03/2026" }),
  ])
    assert.ok((await bad().catch((e: unknown) => e)) instanceof ConfigurationError);
  assert.equal(fx.seen.length, 2);
});
