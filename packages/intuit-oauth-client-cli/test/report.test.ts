// `intuit-oauth-client-cli report`: the command line's parameters, the aligned table (sections indented, amounts
// right-aligned, server text stripped of terminal control characters), CSV, and usage errors that
// exit 2 before any credentials are needed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { reportRequest, reportTable } from "../src/report.js";
import { UsageError } from "../src/config.js";
import { PROFIT_AND_LOSS } from "../../intuit-oauth-client/test/api/report-fixtures.js";
import { cliEnv, runCli } from "./helpers.js";

test("report: --from/--to/--method/--by/--period become Intuit's parameters", () => {
  const { name, params } = reportRequest("ProfitAndLoss", {
    from: "2026-01-01",
    to: "2026-03-31",
    method: "cash",
    by: "Month",
  });
  assert.equal(name, "ProfitAndLoss");
  assert.deepEqual(params, {
    start_date: "2026-01-01",
    end_date: "2026-03-31",
    accounting_method: "Cash",
    summarize_column_by: "Month",
  });
  assert.deepEqual(reportRequest("BalanceSheet", { period: "Last Month" }).params, {
    date_macro: "Last Month",
  });
  for (const [n, flags] of [
    [undefined, {}],
    ["ProfitAndLos", {}],
    ["ProfitAndLoss", { from: "1/1/2026" }],
    ["ProfitAndLoss", { method: "Modified" }],
  ] as const)
    assert.throws(() => reportRequest(n, flags), UsageError);
  assert.throws(() => reportRequest("ProfitAndLos", {}), /Did you mean "ProfitAndLoss"/);
});

test("report: the table indents sections, right-aligns amounts and prints no control characters", () => {
  const table = reportTable({
    ...PROFIT_AND_LOSS,
    Header: { ...PROFIT_AND_LOSS.Header, ReportName: "ProfitAndLoss\u001b[31m" },
  });
  const lines = table.split("\n");
  assert.equal(lines[0], "ProfitAndLoss [31m 2026-01-01 to 2026-03-31 (Accrual)");
  assert.equal(table.includes("\u001b"), false);
  assert.deepEqual(lines.slice(1), [
    "                                Total",
    "----------------------------  -------",
    "Income",
    "  Design income               2250.00",
    "  Landscaping Services",
    "    Job Materials             -150.00",
    "  Total Landscaping Services  -150.00",
    "Total Income                  2100.00",
    "Net Income                    2100.00",
  ]);
});

test("report: usage errors exit 2 with one line, before any credentials are asked for", async () => {
  const env = cliEnv({ HOME: "/nonexistent-home-for-test" });
  for (const args of [
    ["report"],
    ["report", "ProfitAndLos"],
    ["report", "ProfitAndLoss", "--from", "yesterday"],
  ]) {
    const r = await runCli(args, env);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
  }
});
