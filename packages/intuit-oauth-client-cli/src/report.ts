// `intuit-oauth-client-cli report <Name>`: runs a QuickBooks report for the stored company and prints it as an
// aligned table (sections indented), or as CSV with --csv. Cell text from the server is stripped of
// control characters before it reaches the terminal.
import { quickbooks, type TokenManager } from "intuit-oauth-client";
import {
  REPORT_NAMES,
  isReportName,
  reportColumns,
  reportRows,
  reportToCsv,
  type Report,
  type ReportName,
  type ReportParams,
} from "intuit-oauth-client/quickbooks";
import { chooseStoredRealm, UsageError, type Flags } from "./config.js";
import { didYouMean } from "./suggest.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function flag(flags: Flags, name: string): string | undefined {
  return typeof flags[name] === "string" ? flags[name] : undefined;
}

/** The report name and parameters of the command line; every mistake is a UsageError. */
export function reportRequest(
  name: string | undefined,
  flags: Flags,
): { name: ReportName; params: ReportParams<ReportName> } {
  if (!name)
    throw new UsageError(
      `report needs a report name, e.g. ProfitAndLoss (one of ${REPORT_NAMES.join(", ")})`,
    );
  if (!isReportName(name))
    throw new UsageError(`Unknown report "${name}".${didYouMean(name, [...REPORT_NAMES])}`);
  const params: Record<string, string> = {};
  for (const [option, param] of [
    ["from", "start_date"],
    ["to", "end_date"],
  ] as const) {
    const value = flag(flags, option);
    if (value === undefined) continue;
    if (!DAY.test(value) || Number.isNaN(Date.parse(value)))
      throw new UsageError(`--${option} must be a date as YYYY-MM-DD, not "${value}"`);
    params[param] = value;
  }
  const method = flag(flags, "method");
  if (method !== undefined) {
    const m = method.toLowerCase();
    if (m !== "cash" && m !== "accrual") throw new UsageError(`--method is Cash or Accrual, not "${method}"`);
    params["accounting_method"] = m === "cash" ? "Cash" : "Accrual";
  }
  const by = flag(flags, "by");
  if (by !== undefined) params["summarize_column_by"] = by;
  const macro = flag(flags, "period");
  if (macro !== undefined) params["date_macro"] = macro;
  return { name, params: params as ReportParams<ReportName> };
}

/** Text a server sent, safe to print: no escape sequences, no line breaks. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

const NUMBER = /^-?[\d,]*\.?\d+%?$/;

/** The report as an aligned table: a title line, the column titles, and one line per row. */
export function reportTable(report: Report): string {
  const names = reportColumns(report);
  const rows = reportRows(report).map((row) =>
    names.map((n, i) => {
      const value = printable(row.values[n] ?? "");
      return i === 0 ? `${"  ".repeat(row.depth)}${value}` : value;
    }),
  );
  const head = names.map((n, i) => (i === 0 && n === "account" ? "" : printable(n)));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = head.map((_, i) => i > 0 && rows.some((r) => NUMBER.test(r[i]!)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const h = report.Header;
  const period = h.StartPeriod || h.EndPeriod ? ` ${h.StartPeriod ?? ""} to ${h.EndPeriod ?? ""}` : "";
  const title = printable(
    `${h.ReportName ?? "Report"}${period}${h.ReportBasis ? ` (${h.ReportBasis})` : ""}`,
  );
  const out = [title, line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  if (rows.length === 0) out.push("(no rows)");
  return out.join("\n");
}

/** Runs the report for the chosen company and prints it. */
export async function printReport(
  name: string | undefined,
  flags: Flags,
  realm: string | undefined,
  tokenManager: () => Promise<TokenManager>,
): Promise<void> {
  // The arguments first: a mistake there needs no credentials to report.
  const request = reportRequest(name, flags);
  const tokens = await tokenManager();
  const realmId = await chooseStoredRealm(tokens.store, realm);
  const report = await quickbooks(tokens, realmId).report(request.name, request.params);
  if (flags["csv"] === true) process.stdout.write(reportToCsv(report));
  else console.log(reportTable(report));
}
