// The fields production computes on a transaction it saves (modelled on Intuit's create-invoice sample):
// line amounts (Qty × UnitPrice), line Ids and LineNum, the SubTotalLineDetail line of sales forms,
// TxnTaxDetail, TotalAmt, Balance, HomeTotalAmt, DocNumber sequences, TxnDate (the company's today),
// DueDate from the terms, CurrencyRef and reference names. Pure apart from the DocNumber counter.
import type { EmulatorContext } from "./context.js";
import { entityTime } from "./intuit-time.js";
import { money, num } from "./qbo-money.js";
import { homeCurrency, multicurrency, namedRefs } from "./qbo-names.js";
import { refValue } from "./qbo-schema.js";
import { findEntity, realmStore, type Entity } from "./qbo-store.js";

/** Sales forms: a SubTotalLineDetail line, tax, DocNumber. */
export const SALES_FORMS = new Set(["Invoice", "Estimate", "SalesReceipt", "CreditMemo", "RefundReceipt"]);
/** Documents with a DocNumber sequence of their own (production numbers these unless custom numbering is on). */
const NUMBERED = new Set([...SALES_FORMS, "PurchaseOrder"]);
/** Documents whose total is the sum of their lines. */
const LINE_TOTALS = new Set([...SALES_FORMS, "Bill", "Purchase", "PurchaseOrder", "VendorCredit", "Deposit"]);
/** Documents with an open balance: what is still owed on them. */
const OPEN_BALANCE = new Set(["Invoice", "Bill", "CreditMemo"]);
const FIRST_DOC_NUMBER = 1001;

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) ? date : new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** The company's today by the emulator clock (Pacific time, as entity times). */
export function companyToday(ctx: EmulatorContext): string {
  return entityTime(ctx.clock.now()).slice(0, 10);
}

/** A line's amount: `Amount`, else Qty × UnitPrice of its detail, else 0. */
function lineAmount(line: Entity): number {
  if (line["Amount"] !== undefined) return money(num(line["Amount"]));
  const detail = line[String(line["DetailType"] ?? "")] as Entity | undefined;
  if (detail && detail["Qty"] !== undefined && detail["UnitPrice"] !== undefined)
    return money(num(detail["Qty"]) * num(detail["UnitPrice"]));
  return 0;
}

/** Lines with amounts, Ids and LineNum; the old SubTotalLineDetail line dropped (it is recomputed). */
function numberedLines(lines: unknown[]): Entity[] {
  const kept = lines
    .filter((l): l is Entity => !!l && typeof l === "object")
    .filter((l) => l["DetailType"] !== "SubTotalLineDetail");
  let nextId = Math.max(0, ...kept.map((l) => Number(l["Id"])).filter(Number.isInteger)) + 1;
  return kept.map((line, i) => ({
    ...line,
    Id: line["Id"] === undefined ? String(nextId++) : String(line["Id"]),
    LineNum: i + 1,
    Amount: lineAmount(line),
  }));
}

/** The sales tax of a form: the rate of its TxnTaxCodeRef's TaxCode (via TaxRate) on the taxable lines. */
function taxDetail(ctx: EmulatorContext, realmId: string, body: Entity, lines: Entity[]): Entity {
  const given = (body["TxnTaxDetail"] ?? {}) as Entity;
  const codeId = refValue(given["TxnTaxCodeRef"]);
  const code = codeId === undefined ? undefined : findEntity(ctx, realmId, "TaxCode", codeId);
  const rateRefs = ((code?.["SalesTaxRateList"] as Entity | undefined)?.["TaxRateDetail"] ?? []) as Entity[];
  const rate = rateRefs.reduce((sum, d) => {
    const id = refValue(d["TaxRateRef"]);
    const found = id === undefined ? undefined : findEntity(ctx, realmId, "TaxRate", id);
    return sum + num(found?.["RateValue"]);
  }, 0);
  const taxable = lines
    .filter((l) => refValue((l["SalesItemLineDetail"] as Entity | undefined)?.["TaxCodeRef"]) === "TAX")
    .reduce((s, l) => s + num(l["Amount"]), 0);
  return { ...given, TotalTax: money((taxable * rate) / 100) };
}

/** The next DocNumber of a document type (1001, 1002, … per type and company). */
function nextDocNumber(ctx: EmulatorContext, realmId: string, entity: string): string {
  const counters = realmStore(ctx, realmId).counters;
  const key = `DocNumber:${entity}`;
  const next = (counters.get(key) ?? FIRST_DOC_NUMBER - 1) + 1;
  counters.set(key, next);
  return String(next);
}

/** The due date: TxnDate plus the terms' DueDays (SalesTermRef, else the company's default terms). */
function dueDate(ctx: EmulatorContext, realmId: string, body: Entity, txnDate: string): string {
  const prefs = findEntity(ctx, realmId, "Preferences", "1");
  const defaultTerms = refValue((prefs?.["SalesFormsPrefs"] as Entity | undefined)?.["DefaultTerms"]);
  const termId = refValue(body["SalesTermRef"]) ?? defaultTerms;
  const term = termId === undefined ? undefined : findEntity(ctx, realmId, "Term", termId);
  // The seeded default terms ("3") are Net 30, as in a new QuickBooks company.
  const days = term ? num(term["DueDays"]) : termId === "3" ? 30 : 0;
  return addDays(txnDate, days);
}

/**
 * The transaction as production would store it. `previous` is the stored version on an update: its
 * DocNumber stays, and its Balance keeps what has been paid against it.
 */
export function transactionFields(
  ctx: EmulatorContext,
  realmId: string,
  entity: string,
  body: Entity,
  previous?: Entity,
): Entity {
  const out: Entity = { ...body };
  const today = companyToday(ctx);
  const txnDate = typeof body["TxnDate"] === "string" && body["TxnDate"] !== "" ? body["TxnDate"] : today;
  out["TxnDate"] = txnDate;
  if (NUMBERED.has(entity) && (typeof body["DocNumber"] !== "string" || body["DocNumber"] === ""))
    out["DocNumber"] =
      typeof previous?.["DocNumber"] === "string"
        ? previous["DocNumber"]
        : nextDocNumber(ctx, realmId, entity);
  if ((entity === "Invoice" || entity === "Bill") && typeof body["DueDate"] !== "string")
    out["DueDate"] = dueDate(ctx, realmId, body, txnDate);
  const home = homeCurrency(ctx, realmId);
  if (out["CurrencyRef"] === undefined) out["CurrencyRef"] = home;
  if (Array.isArray(body["Line"]) && LINE_TOTALS.has(entity)) {
    const lines = numberedLines(body["Line"]);
    const subtotal = money(
      lines
        .filter((l) => l["DetailType"] !== "DiscountLineDetail")
        .reduce((s, l) => s + num(l["Amount"]), 0) -
        lines
          .filter((l) => l["DetailType"] === "DiscountLineDetail")
          .reduce((s, l) => s + num(l["Amount"]), 0),
    );
    let total = subtotal;
    if (SALES_FORMS.has(entity)) {
      const tax = taxDetail(ctx, realmId, body, lines);
      out["TxnTaxDetail"] = tax;
      total = money(subtotal + num(tax["TotalTax"]));
      out["Line"] = [
        ...lines,
        { Amount: subtotal, DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} },
      ];
    } else out["Line"] = lines;
    out["TotalAmt"] = total;
  } else if (Array.isArray(body["Line"])) out["Line"] = numberedLines(body["Line"]);
  if (entity === "Payment") {
    const applied = ((out["Line"] ?? []) as Entity[]).reduce((s, l) => s + num(l["Amount"]), 0);
    out["TotalAmt"] = money(num(body["TotalAmt"]));
    out["UnappliedAmt"] = money(num(body["TotalAmt"]) - applied);
  }
  if (entity === "BillPayment" || entity === "Transfer")
    out[entity === "Transfer" ? "Amount" : "TotalAmt"] = money(
      num(body[entity === "Transfer" ? "Amount" : "TotalAmt"]),
    );
  if (OPEN_BALANCE.has(entity)) {
    const paid = previous ? num(previous["TotalAmt"]) - num(previous["Balance"]) : 0;
    out[entity === "CreditMemo" ? "RemainingCredit" : "Balance"] = money(num(out["TotalAmt"]) - paid);
    if (entity === "CreditMemo") out["Balance"] = out["RemainingCredit"];
  } else if (entity === "SalesReceipt" || entity === "RefundReceipt") out["Balance"] = 0;
  if (entity === "Invoice" || entity === "Estimate" || SALES_FORMS.has(entity)) {
    if (out["EmailStatus"] === undefined) out["EmailStatus"] = previous?.["EmailStatus"] ?? "NotSet";
    if (out["PrintStatus"] === undefined) out["PrintStatus"] = "NotSet";
  }
  if (multicurrency(ctx, realmId) && out["TotalAmt"] !== undefined) {
    const rate = num(out["ExchangeRate"]) || 1;
    out["ExchangeRate"] = rate;
    out["HomeTotalAmt"] = money(num(out["TotalAmt"]) * rate);
    if (out["Balance"] !== undefined) out["HomeBalance"] = money(num(out["Balance"]) * rate);
  }
  return namedRefs(ctx, realmId, out) as Entity;
}
