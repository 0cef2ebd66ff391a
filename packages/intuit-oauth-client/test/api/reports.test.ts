// qb.report: the wire form of every report call (path, encoded parameters, minorversion), typed
// refusals of bad input before anything is sent, and reportRows/reportToCsv over a report shaped
// like Intuit's documented ProfitAndLoss sample (served by a loopback fixture).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ConfigurationError } from "../../src/common/errors.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { REPORT_NAMES, type Report } from "../../src/api/report-types.js";
import { reportColumns, reportRows, reportToCsv } from "../../src/api/report-rows.js";
import { fixtureServer, type Fixture } from "./fixture-server.js";
import { cell, PROFIT_AND_LOSS } from "./report-fixtures.js";

let fx: Fixture;
before(async () => {
  fx = await fixtureServer((req) => {
    if (req.url.includes("/reports/TaxSummary"))
      return {
        status: 400,
        body: {
          Fault: {
            Error: [
              {
                Message: "Invalid argument",
                Detail: "agency_id is invalid",
                code: "2010",
                element: "agency_id",
              },
            ],
            type: "ValidationFault",
          },
        },
      };
    const m = /\/reports\/(\w+)/.exec(req.url);
    if (m) return { body: { ...PROFIT_AND_LOSS, Header: { ...PROFIT_AND_LOSS.Header, ReportName: m[1] } } };
    return undefined;
  });
});
after(() => fx.close());

test("report: every report name is one GET reports/{name} on the realm, with minorversion", async () => {
  for (const name of REPORT_NAMES) {
    fx.seen.length = 0;
    if (name === "TaxSummary") continue; // needs agency_id: below
    const report = await fx.qb.report(name);
    assert.equal(report.Header.ReportName, name);
    assert.equal(fx.seen.length, 1);
    const url = new URL(fx.seen[0]!.url, fx.url);
    assert.equal(fx.seen[0]!.method, "GET");
    assert.equal(url.pathname, `/v3/company/9130350000000001/reports/${name}`);
    assert.equal(url.searchParams.get("minorversion"), "75");
    assert.equal(fx.seen[0]!.headers.authorization, "Bearer fixture-access-token");
  }
});

test("report: parameters are encoded as Intuit reads them (dates, id lists, columns, booleans)", async () => {
  fx.seen.length = 0;
  await fx.qb.report("ProfitAndLoss", {
    start_date: new Date("2026-01-01T00:00:00Z"),
    end_date: "2026-03-31",
    accounting_method: "Cash",
    summarize_column_by: "Month",
    customer: ["1", "2"],
    department: "3",
    adjusted_gain_loss: true,
    minorversion: 70,
  });
  await fx.qb.report(
    "GeneralLedger",
    { columns: ["tx_date", "subt_nat_amount"], sort_order: "descend" },
    { query: { qzurl: true } },
  );
  await fx.qb.report("AgedReceivables", { report_date: "2026-02-28", aging_period: 30, num_periods: 4 });
  const [pl, gl, aged] = fx.seen.map((s) => Object.fromEntries(new URL(s.url, fx.url).searchParams));
  assert.deepEqual(pl, {
    start_date: "2026-01-01",
    end_date: "2026-03-31",
    accounting_method: "Cash",
    summarize_column_by: "Month",
    customer: "1,2",
    department: "3",
    adjusted_gain_loss: "true",
    minorversion: "70",
  });
  assert.deepEqual(gl, {
    columns: "tx_date,subt_nat_amount",
    sort_order: "descend",
    qzurl: "true",
    minorversion: "75",
  });
  assert.deepEqual(aged, {
    report_date: "2026-02-28",
    aging_period: "30",
    num_periods: "4",
    minorversion: "75",
  });
});

test("report: bad names and values are a ConfigurationError and nothing is sent", async () => {
  fx.seen.length = 0;
  const bad: Array<() => Promise<unknown>> = [
    // @ts-expect-error not a report name
    () => fx.qb.report("ProfitAndLos"),
    () => fx.qb.report("ProfitAndLoss", { start_date: "01/02/2026" }),
    () => fx.qb.report("ProfitAndLoss", { end_date: "2026-13-45" }),
    () => fx.qb.report("ProfitAndLoss", { start_date: new Date(Number.NaN) }),
    () => fx.qb.report("ProfitAndLoss", { customer: ["1,2"] }),
    () => fx.qb.report("ProfitAndLoss", { customer: [] }),
  ];
  for (const call of bad) {
    const error = await call().catch((e: unknown) => e);
    assert.ok(error instanceof ConfigurationError, String(error));
  }
  assert.equal(fx.seen.length, 0);
  // A parameter the report does not take is caught by the type checker; at run time it passes through.
  // @ts-expect-error a parameter ProfitAndLoss does not take
  await fx.qb.report("ProfitAndLoss", { aging_period: 30 });
  assert.equal(fx.seen.length, 1);
  assert.match(fx.seen[0]!.url, /aging_period=30/);
});

test("report: a Fault is a QuickBooksError with Intuit's code and element", async () => {
  const error = await fx.qb.report("TaxSummary", { agency_id: "999" }).catch((e: unknown) => e);
  assert.ok(error instanceof QuickBooksError);
  assert.equal(error.statusCode, 400);
  assert.equal(error.errors[0]?.code, "2010");
  assert.equal(error.errors[0]?.element, "agency_id");
});

test("reportRows: sections flatten into rows with their group path, type and values by column", () => {
  assert.deepEqual(reportColumns(PROFIT_AND_LOSS), ["account", "Total"]);
  const rows = reportRows(PROFIT_AND_LOSS);
  assert.deepEqual(
    rows.map((r) => [r.type, r.group.join(" / "), r.depth, r.values["account"], r.values["Total"]]),
    [
      ["Section", "Income", 0, "Income", ""],
      ["Data", "Income", 1, "Design income", "2250.00"],
      ["Section", "Income / Landscaping Services", 1, "Landscaping Services", ""],
      ["Data", "Income / Landscaping Services", 2, "Job Materials", "-150.00"],
      ["Summary", "Income / Landscaping Services", 1, "Total Landscaping Services", "-150.00"],
      ["Summary", "Income", 0, "Total Income", "2100.00"],
      ["Summary", "Net Income", 0, "Net Income", "2100.00"],
    ],
  );
  assert.deepEqual(rows[1]!.ids, { account: "82" });
  assert.equal(rows[1]!.groupName, "Income");
  assert.equal(rows[6]!.groupName, "NetIncome");
  // An empty report (Intuit sends `Rows: {}`) has no rows, and duplicate titles stay apart.
  assert.deepEqual(reportRows({ Columns: { Column: [] }, Rows: {} }), []);
  assert.deepEqual(
    reportColumns({
      Columns: {
        Column: [
          { ColTitle: "Amount", ColType: "Money" },
          { ColTitle: "Amount", ColType: "Money" },
        ],
      },
    }),
    ["Amount", "Amount (2)"],
  );
});

test("reportToCsv: RFC 4180 quoting, CRLF, and cells a spreadsheet would run are neutralised", () => {
  const csv = reportToCsv(PROFIT_AND_LOSS);
  const lines = csv.split("\r\n");
  assert.equal(lines.at(-1), "");
  assert.equal(lines[0], "Type,Group,account,Total");
  assert.equal(lines[2], "Data,Income,Design income,2250.00");
  // A negative amount is a number, not a formula: left alone.
  assert.equal(lines[4], "Data,Income / Landscaping Services,Job Materials,-150.00");

  const hostile: Report = {
    Header: {},
    Columns: {
      Column: [
        { ColTitle: "Name", ColType: "String" },
        { ColTitle: 'Memo, "quoted"', ColType: "String" },
      ],
    },
    Rows: {
      Row: [
        { ColData: [cell('=HYPERLINK("http://x")'), cell("line1\nline2")] },
        { ColData: [cell("+1+1"), cell("@SUM(A1)")] },
        { ColData: [cell("-2+3"), cell("\tTab")] },
      ],
    },
  };
  const out = reportToCsv(hostile).split("\r\n");
  assert.equal(out[0], 'Type,Group,Name,"Memo, ""quoted"""');
  assert.equal(out[1], 'Data,,"\'=HYPERLINK(""http://x"")","line1\nline2"');
  assert.equal(out[2], "Data,,'+1+1,'@SUM(A1)");
  assert.equal(out[3], "Data,,'-2+3,'\tTab");
  // The guard can be turned off for a consumer that is not a spreadsheet.
  assert.equal(reportToCsv(hostile, { formulaGuard: false }).split("\r\n")[2], "Data,,+1+1,@SUM(A1)");
});
