// `GET reports/{Name}` in Intuit's report JSON (Header, Columns.Column[], Rows.Row[] with Section rows
// holding Header/Rows/Summary and Data rows holding ColData[]), computed from the company's own books
// (qbo-ledger.ts) for ProfitAndLoss, BalanceSheet, TrialBalance, GeneralLedger, the aged reports,
// CustomerBalance, VendorBalance and TransactionList; the other names clients call answer an empty report.
import type { EmulatorContext } from "./context.js";
import { intuitApiTime } from "./intuit-time.js";
import { companyToday } from "./qbo-compute.js";
import type { FaultError } from "./qbo-fault.js";
import { postings, PAYABLE, RECEIVABLE, type LedgerAccount, type Posting } from "./qbo-ledger.js";
import { money, num } from "./qbo-money.js";
import { displayName, homeCurrency } from "./qbo-names.js";
import { refValue } from "./qbo-schema.js";
import { listEntities, type Entity } from "./qbo-store.js";

type Row = Record<string, unknown>;
interface Period {
  start: string;
  end: string;
  macro?: string;
  cash: boolean;
}

/** Reports computed from the company's data. */
export const COMPUTED_REPORTS = [
  "ProfitAndLoss",
  "BalanceSheet",
  "TrialBalance",
  "GeneralLedger",
  "AgedReceivables",
  "AgedReceivableDetail",
  "AgedPayables",
  "AgedPayableDetail",
  "CustomerBalance",
  "VendorBalance",
  "TransactionList",
] as const;

/** The other report names node-quickbooks and quickbooks-node-promise call: valid, empty reports. */
export const EMPTY_REPORTS = [
  "ProfitAndLossDetail",
  "CashFlow",
  "InventoryValuationSummary",
  "CustomerSales",
  "ItemSales",
  "CustomerIncome",
  "CustomerBalanceDetail",
  "VendorBalanceDetail",
  "VendorExpenses",
  "TransactionListWithSplits",
  "TransactionListByCustomer",
  "TransactionListByVendor",
  "TaxSummary",
  "DepartmentSales",
  "ClassSales",
  "AccountList",
  "JournalReport",
  "GeneralLedgerDetail",
] as const;

const BY_LOWER = new Map([...COMPUTED_REPORTS, ...EMPTY_REPORTS].map((n) => [n.toLowerCase(), n]));

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const fmt = (n: number) => money(n).toFixed(2);
const cell = (value: string, id?: string) => (id === undefined ? { value } : { value, id });
const data = (...cols: Array<{ value: string; id?: string }>): Row => ({ ColData: cols, type: "Data" });
const section = (title: string, rows: Row[], summary: Array<{ value: string }>, group?: string): Row => ({
  Header: { ColData: [cell(title), ...summary.slice(1).map(() => cell(""))] },
  Rows: { Row: rows },
  Summary: { ColData: summary },
  type: "Section",
  ...(group ? { group } : {}),
});

function shift(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The period a request asks for: start_date/end_date, else date_macro, else the report's default. */
function period(ctx: EmulatorContext, params: URLSearchParams, fallback: string): Period | FaultError {
  const today = companyToday(ctx);
  const cash = (params.get("accounting_method") ?? "Accrual").toLowerCase() === "cash";
  const start = params.get("start_date");
  const end = params.get("end_date") ?? params.get("report_date");
  for (const [name, value] of [
    ["start_date", start],
    ["end_date", end],
  ] as const)
    if (value !== null && (!DATE.test(value) || Number.isNaN(Date.parse(value))))
      return {
        Message: "Invalid date",
        Detail: `${name} ${value} is not a date (yyyy-MM-dd).`,
        code: "4001",
        element: name,
      };
  const macro = params.get("date_macro") ?? (start || end ? undefined : fallback);
  const [y, m] = [Number(today.slice(0, 4)), today.slice(5, 7)];
  const macros: Record<string, [string, string]> = {
    today: [today, today],
    yesterday: [shift(today, -1), shift(today, -1)],
    "this month": [
      `${y}-${m}-01`,
      shift(`${m === "12" ? y + 1 : y}-${m === "12" ? "01" : String(Number(m) + 1).padStart(2, "0")}-01`, -1),
    ],
    "this month-to-date": [`${y}-${m}-01`, today],
    "this year": [`${y}-01-01`, `${y}-12-31`],
    "this year-to-date": [`${y}-01-01`, today],
    "this fiscal year": [`${y}-01-01`, `${y}-12-31`],
    "this fiscal year-to-date": [`${y}-01-01`, today],
    "last year": [`${y - 1}-01-01`, `${y - 1}-12-31`],
    all: ["1900-01-01", today],
  };
  if (macro !== undefined && !start && !end) {
    const range = macros[macro.toLowerCase()];
    if (!range)
      return {
        Message: "Invalid date macro",
        Detail: `date_macro ${macro} is not supported.`,
        code: "4001",
        element: "date_macro",
      };
    return { start: range[0], end: range[1], macro, cash };
  }
  return { start: start ?? `${y}-01-01`, end: end ?? today, cash };
}

function header(ctx: EmulatorContext, realmId: string, name: string, p: Period, empty: boolean): Row {
  return {
    Time: intuitApiTime(ctx.clock.now()),
    ReportName: name,
    ...(p.macro ? { DateMacro: p.macro.toLowerCase() } : {}),
    ReportBasis: p.cash ? "Cash" : "Accrual",
    StartPeriod: p.start,
    EndPeriod: p.end,
    SummarizeColumnsBy: "Total",
    Currency: homeCurrency(ctx, realmId).value,
    Option: [
      { Name: "AccountingStandard", Value: "GAAP" },
      { Name: "NoReportData", Value: String(empty) },
    ],
  };
}

const columns = (...cols: Array<[string, string, string?]>) => ({
  Column: cols.map(([title, type, key]) => ({
    ColTitle: title,
    ColType: type,
    ...(key ? { MetaData: [{ Name: "ColKey", Value: key }] } : {}),
  })),
});

/** Postings filtered by the request's customer/vendor ids; under cash basis only what was paid. */
function books(ctx: EmulatorContext, realmId: string, params: URLSearchParams, p: Period): Posting[] {
  const ids = (name: string) =>
    params
      .get(name)
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const customers = ids("customer");
  const vendors = ids("vendor");
  const paidShare = new Map<string, number>();
  if (p.cash)
    for (const type of ["Invoice", "Bill"])
      for (const t of listEntities(ctx, realmId, type)) {
        const total = num(t["TotalAmt"]);
        paidShare.set(`${type}:${String(t["Id"])}`, total === 0 ? 0 : (total - num(t["Balance"])) / total);
      }
  return postings(ctx, realmId)
    .filter((x) => !customers || (x.party?.entity === "Customer" && customers.includes(x.party.id)))
    .filter((x) => !vendors || (x.party?.entity === "Vendor" && vendors.includes(x.party.id)))
    .flatMap((x) => {
      if (!p.cash) return [x];
      // Cash basis (approximation): receivables/payables never post; invoices and bills count as paid.
      if (x.account.type === RECEIVABLE.type || x.account.type === PAYABLE.type) return [];
      if (x.txnType === "Payment" || x.txnType === "BillPayment") return [];
      const share = paidShare.get(`${x.txnType}:${x.txnId}`);
      return share === undefined ? [x] : [{ ...x, amount: money(x.amount * share) }];
    });
}

const within = (x: Posting, p: Period) => x.date >= p.start && x.date <= p.end;
const upTo = (x: Posting, p: Period) => x.date <= p.end;

/** Sum by account (debit positive), in first-seen order. */
function byAccount(list: Posting[]): Array<{ account: LedgerAccount; amount: number }> {
  const sums = new Map<string, { account: LedgerAccount; amount: number }>();
  for (const x of list) {
    const key = x.account.id ?? `std:${x.account.name}`;
    const s = sums.get(key) ?? { account: x.account, amount: 0 };
    s.amount = money(s.amount + x.amount);
    sums.set(key, s);
  }
  return [...sums.values()].filter((s) => s.amount !== 0);
}

function accountSection(
  title: string,
  group: string,
  sums: Array<{ account: LedgerAccount; amount: number }>,
  sign: number,
): { row: Row; total: number } {
  const total = money(sums.reduce((s, a) => s + sign * a.amount, 0));
  const rows = sums.map((a) => data(cell(a.account.name, a.account.id), cell(fmt(sign * a.amount))));
  return { row: section(title, rows, [cell(`Total ${title}`), cell(fmt(total))], group), total };
}

const summaryRow = (title: string, value: number, group: string): Row => ({
  Summary: { ColData: [cell(title), cell(fmt(value))] },
  type: "Section",
  group,
});

function profitAndLoss(list: Posting[], p: Period): Row[] {
  const sums = byAccount(list.filter((x) => within(x, p)));
  const of = (...types: string[]) => sums.filter((s) => types.includes(s.account.type));
  const income = accountSection("Income", "Income", of("Income"), -1);
  const cogs = accountSection("Cost of Goods Sold", "COGS", of("Cost of Goods Sold"), 1);
  const expenses = accountSection("Expenses", "Expenses", of("Expense"), 1);
  const otherIncome = accountSection("Other Income", "OtherIncome", of("Other Income"), -1);
  const otherExpenses = accountSection("Other Expenses", "OtherExpenses", of("Other Expense"), 1);
  const gross = money(income.total - cogs.total);
  const operating = money(gross - expenses.total);
  const other = money(otherIncome.total - otherExpenses.total);
  return [
    income.row,
    cogs.row,
    summaryRow("Gross Profit", gross, "GrossProfit"),
    expenses.row,
    summaryRow("Net Operating Income", operating, "NetOperatingIncome"),
    otherIncome.row,
    otherExpenses.row,
    summaryRow("Net Other Income", other, "NetOtherIncome"),
    summaryRow("Net Income", money(operating + other), "NetIncome"),
  ];
}

function balanceSheet(list: Posting[], p: Period): Row[] {
  const sums = byAccount(list.filter((x) => upTo(x, p)));
  const of = (c: string) => sums.filter((s) => s.account.classification === c);
  const netIncome = money(
    -of("Revenue").reduce((s, a) => s + a.amount, 0) - of("Expense").reduce((s, a) => s + a.amount, 0),
  );
  const assets = accountSection("Assets", "TotalAssets", of("Asset"), 1);
  const liabilities = accountSection("Liabilities", "Liabilities", of("Liability"), -1);
  const equitySums = of("Equity");
  const equityRows = [
    ...equitySums.map((a) => data(cell(a.account.name, a.account.id), cell(fmt(-a.amount)))),
    data(cell("Net Income"), cell(fmt(netIncome))),
  ];
  const equityTotal = money(-equitySums.reduce((s, a) => s + a.amount, 0) + netIncome);
  const equity = section("Equity", equityRows, [cell("Total Equity"), cell(fmt(equityTotal))], "Equity");
  const both = money(liabilities.total + equityTotal);
  return [
    { ...assets.row, Summary: { ColData: [cell("TOTAL ASSETS"), cell(fmt(assets.total))] } },
    section(
      "Liabilities and Equity",
      [liabilities.row, equity],
      [cell("TOTAL LIABILITIES AND EQUITY"), cell(fmt(both))],
      "TotalLiabilitiesAndEquity",
    ),
  ];
}

function trialBalance(list: Posting[], p: Period): Row[] {
  const sums = byAccount(list.filter((x) => upTo(x, p)));
  const rows = sums.map((a) =>
    data(
      cell(a.account.name, a.account.id),
      cell(a.amount > 0 ? fmt(a.amount) : ""),
      cell(a.amount < 0 ? fmt(-a.amount) : ""),
    ),
  );
  const debit = sums.filter((a) => a.amount > 0).reduce((s, a) => s + a.amount, 0);
  const credit = sums.filter((a) => a.amount < 0).reduce((s, a) => s - a.amount, 0);
  return [
    ...rows,
    {
      Summary: { ColData: [cell("TOTAL"), cell(fmt(debit)), cell(fmt(credit))] },
      type: "Section",
      group: "GrandTotal",
    },
  ];
}

function generalLedger(list: Posting[], p: Period): Row[] {
  const accounts = byAccount(list.filter((x) => within(x, p)).map((x) => ({ ...x, amount: x.amount || 0 })));
  return accounts.map(({ account }) => {
    let balance = 0;
    const rows = list
      .filter((x) => within(x, p) && (x.account.id ?? x.account.name) === (account.id ?? account.name))
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((x) => {
        balance = money(balance + x.amount);
        return data(
          cell(x.date),
          cell(x.txnType, x.txnId),
          cell(x.docNumber),
          cell(x.party?.name ?? "", x.party?.id),
          cell(fmt(x.amount)),
          cell(fmt(balance)),
        );
      });
    return section(account.name, rows, [
      cell(`Total for ${account.name}`),
      cell(""),
      cell(""),
      cell(""),
      cell(fmt(balance)),
      cell(""),
    ]);
  });
}

const BUCKETS = ["Current", "1 - 30", "31 - 60", "61 - 90", "91 and over"];
function bucket(due: string, asOf: string): number {
  const days = Math.floor((Date.parse(asOf) - Date.parse(due)) / 86_400_000);
  return days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : 4;
}

/** Open documents (invoices or bills with a Balance) of the request's parties, as of the period's end. */
function openDocs(
  ctx: EmulatorContext,
  realmId: string,
  type: "Invoice" | "Bill",
  params: URLSearchParams,
  p: Period,
) {
  const partyEntity = type === "Invoice" ? "Customer" : "Vendor";
  const filter = params
    .get(type === "Invoice" ? "customer" : "vendor")
    ?.split(",")
    .map((s) => s.trim());
  return listEntities(ctx, realmId, type)
    .filter((d) => num(d["Balance"]) !== 0 && String(d["TxnDate"] ?? "") <= p.end)
    .map((d) => {
      const id = refValue(d[`${partyEntity}Ref`]) ?? "";
      const party = (listEntities(ctx, realmId, partyEntity).find((c) => c["Id"] === id) ?? {}) as Entity;
      return { d, id, name: displayName(party) ?? id, due: String(d["DueDate"] ?? d["TxnDate"] ?? p.end) };
    })
    .filter((x) => !filter || filter.includes(x.id));
}

function aged(
  ctx: EmulatorContext,
  realmId: string,
  type: "Invoice" | "Bill",
  params: URLSearchParams,
  p: Period,
): Row[] {
  const byParty = new Map<string, { name: string; amounts: number[] }>();
  for (const x of openDocs(ctx, realmId, type, params, p)) {
    const e = byParty.get(x.id) ?? { name: x.name, amounts: [0, 0, 0, 0, 0] };
    const b = bucket(x.due, p.end);
    e.amounts[b] = money((e.amounts[b] ?? 0) + num(x.d["Balance"]));
    byParty.set(x.id, e);
  }
  const rows = [...byParty].map(([id, e]) =>
    data(
      cell(e.name, id),
      ...e.amounts.map((a) => cell(a ? fmt(a) : "")),
      cell(fmt(e.amounts.reduce((s, a) => s + a, 0))),
    ),
  );
  const totals = BUCKETS.map((_, i) => [...byParty.values()].reduce((s, e) => s + (e.amounts[i] ?? 0), 0));
  return [
    ...rows,
    {
      Summary: {
        ColData: [
          cell("TOTAL"),
          ...totals.map((t) => cell(fmt(t))),
          cell(fmt(totals.reduce((s, t) => s + t, 0))),
        ],
      },
      type: "Section",
      group: "GrandTotal",
    },
  ];
}

function agedDetail(
  ctx: EmulatorContext,
  realmId: string,
  type: "Invoice" | "Bill",
  params: URLSearchParams,
  p: Period,
): Row[] {
  const docs = openDocs(ctx, realmId, type, params, p);
  const titles = [
    "Current",
    "1 - 30 days past due",
    "31 - 60 days past due",
    "61 - 90 days past due",
    "91 or more days past due",
  ];
  return titles.flatMap((title, i) => {
    const here = docs.filter((x) => bucket(x.due, p.end) === i);
    if (here.length === 0) return [];
    const rows = here.map((x) =>
      data(
        cell(String(x.d["TxnDate"])),
        cell(type, String(x.d["Id"])),
        cell(String(x.d["DocNumber"] ?? "")),
        cell(x.name, x.id),
        cell(x.due),
        cell(fmt(num(x.d["TotalAmt"]))),
        cell(fmt(num(x.d["Balance"]))),
      ),
    );
    const open = here.reduce((s, x) => s + num(x.d["Balance"]), 0);
    const amount = here.reduce((s, x) => s + num(x.d["TotalAmt"]), 0);
    return [
      section(title, rows, [
        cell(`Total for ${title}`),
        cell(""),
        cell(""),
        cell(""),
        cell(""),
        cell(fmt(amount)),
        cell(fmt(open)),
      ]),
    ];
  });
}

/** Customer or vendor balances as the entities hold them (open balances included), non-zero ones. */
function partyBalances(
  ctx: EmulatorContext,
  realmId: string,
  entity: "Customer" | "Vendor",
  params: URLSearchParams,
): Row[] {
  const filter = params
    .get(entity === "Customer" ? "customer" : "vendor")
    ?.split(",")
    .map((s) => s.trim());
  const parties = listEntities(ctx, realmId, entity).filter(
    (c) => num(c["Balance"]) !== 0 && (!filter || filter.includes(String(c["Id"]))),
  );
  const total = parties.reduce((s, c) => s + num(c["Balance"]), 0);
  return [
    ...parties.map((c) =>
      data(cell(displayName(c) ?? String(c["Id"]), String(c["Id"])), cell(fmt(num(c["Balance"])))),
    ),
    { Summary: { ColData: [cell("TOTAL"), cell(fmt(total))] }, type: "Section", group: "GrandTotal" },
  ];
}

function transactionList(list: Posting[], p: Period): Row[] {
  const seen = new Map<string, Posting & { total: number }>();
  for (const x of list.filter((y) => within(y, p))) {
    const key = `${x.txnType}:${x.txnId}`;
    const first = seen.get(key);
    // A transaction's amount is the sum of its debits.
    if (!first) seen.set(key, { ...x, total: Math.max(0, x.amount) });
    else first.total = money(first.total + Math.max(0, x.amount));
  }
  return [...seen.values()]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((x) =>
      data(
        cell(x.date),
        cell(x.txnType, x.txnId),
        cell(x.docNumber),
        cell(x.party?.name ?? "", x.party?.id),
        cell(x.account.name, x.account.id),
        cell(fmt(x.total)),
      ),
    );
}

/** The report document for `GET reports/{name}`, or undefined when the name is not a report production serves. */
export function report(
  ctx: EmulatorContext,
  realmId: string,
  rawName: string,
  params: URLSearchParams,
): Record<string, unknown> | FaultError | undefined {
  const name = BY_LOWER.get(rawName.toLowerCase());
  if (!name) return undefined;
  const datedDefault =
    name === "BalanceSheet" || name === "TrialBalance" ? "This Fiscal Year-to-date" : "This Month-to-date";
  const p = period(ctx, params, name.startsWith("Aged") || name.endsWith("Balance") ? "Today" : datedDefault);
  if ("code" in p) return p;
  const list = () => books(ctx, realmId, params, p);
  const account: [string, string] = ["", "Account"];
  const money$ = (t: string): [string, string] => [t, "Money"];
  let cols: ReturnType<typeof columns>;
  let rows: Row[];
  switch (name) {
    case "ProfitAndLoss":
      [cols, rows] = [columns(account, ["Total", "Money", "total"]), profitAndLoss(list(), p)];
      break;
    case "BalanceSheet":
      [cols, rows] = [columns(account, ["Total", "Money", "total"]), balanceSheet(list(), p)];
      break;
    case "TrialBalance":
      [cols, rows] = [columns(account, money$("Debit"), money$("Credit")), trialBalance(list(), p)];
      break;
    case "GeneralLedger":
      [cols, rows] = [
        columns(
          ["Date", "Date", "tx_date"],
          ["Transaction Type", "String", "txn_type"],
          ["Num", "String", "doc_num"],
          ["Name", "String", "name"],
          ["Amount", "Money", "subt_nat_amount"],
          ["Balance", "Money", "rbal_nat_amount"],
        ),
        generalLedger(list(), p),
      ];
      break;
    case "AgedReceivables":
    case "AgedPayables":
      [cols, rows] = [
        columns(
          ["", name === "AgedReceivables" ? "Customer" : "Vendor"],
          ...BUCKETS.map(money$),
          money$("Total"),
        ),
        aged(ctx, realmId, name === "AgedReceivables" ? "Invoice" : "Bill", params, p),
      ];
      break;
    case "AgedReceivableDetail":
    case "AgedPayableDetail":
      [cols, rows] = [
        columns(
          ["Date", "Date", "tx_date"],
          ["Transaction Type", "String", "txn_type"],
          ["Num", "String", "doc_num"],
          [name === "AgedReceivableDetail" ? "Customer" : "Vendor", "String", "cust_name"],
          ["Due Date", "Date", "due_date"],
          ["Amount", "Money", "subt_amount"],
          ["Open Balance", "Money", "subt_open_bal"],
        ),
        agedDetail(ctx, realmId, name === "AgedReceivableDetail" ? "Invoice" : "Bill", params, p),
      ];
      break;
    case "CustomerBalance":
    case "VendorBalance":
      [cols, rows] = [
        columns(["", name === "CustomerBalance" ? "Customer" : "Vendor"], ["Total", "Money", "total"]),
        partyBalances(ctx, realmId, name === "CustomerBalance" ? "Customer" : "Vendor", params),
      ];
      break;
    case "TransactionList":
      [cols, rows] = [
        columns(
          ["Date", "Date", "tx_date"],
          ["Transaction Type", "String", "txn_type"],
          ["Num", "String", "doc_num"],
          ["Name", "String", "name"],
          ["Account", "String", "account_name"],
          ["Amount", "Money", "subt_nat_amount"],
        ),
        transactionList(list(), p),
      ];
      break;
    default:
      [cols, rows] = [columns(account, ["Total", "Money", "total"]), []];
  }
  const empty =
    rows.every((r) => r["type"] === "Section" && !r["Rows"] && r["group"] === "GrandTotal") ||
    rows.length === 0;
  return {
    Header: header(ctx, realmId, name, p, empty),
    Columns: cols,
    Rows: rows.length > 0 ? { Row: rows } : {},
  };
}
