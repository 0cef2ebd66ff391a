// Reading a report without walking Intuit's nesting by hand: `reportRows` flattens its sections into
// plain rows (group path, type, values by column name), and `reportToCsv` writes those rows as
// RFC 4180 CSV that a spreadsheet cannot run as a formula. Pure functions over the report JSON.
import type { Report, ReportCell, ReportColumn, ReportRow } from "./report-types.js";

/** One row of a flattened report. */
export interface ReportLine {
  /** `Data` (an entry), `Section` (a group's header line) or `Summary` (a group's total line). */
  type: "Data" | "Section" | "Summary";
  /** The titles of the sections the row is in, outermost first (a Section and its Summary include their own). */
  group: string[];
  /** Intuit's role of the innermost section, e.g. `Income`, `NetIncome`, when it sends one. */
  groupName?: string;
  /** Depth in the report: 0 for top-level rows. */
  depth: number;
  /** Cell texts by column name ({@link reportColumns}). */
  values: Record<string, string>;
  /** Entity ids of the cells that name one (an account, a customer), by column name. */
  ids: Record<string, string>;
}

/**
 * The report's column names, in order: each column's title, else its `ColKey`, else its type, made
 * unique with ` (2)`, ` (3)`… so that `values` loses no cell.
 */
export function reportColumns(report: Pick<Report, "Columns">): string[] {
  const columns: ReportColumn[] = report.Columns?.Column ?? [];
  const seen = new Map<string, number>();
  return columns.map((column, i) => {
    const key = column.MetaData?.find((m) => m.Name === "ColKey")?.Value;
    const base = column.ColTitle?.trim() || key || column.ColType || `Column ${i + 1}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} (${count})`;
  });
}

/**
 * Flattens a report's nested sections into rows, in reading order: a section's header line, its
 * rows, then its summary line.
 *
 * @example
 * const pl = await qb.report("ProfitAndLoss", { date_macro: "Last Month" });
 * const net = reportRows(pl).find((r) => r.groupName === "NetIncome" && r.type === "Summary");
 */
export function reportRows(report: Pick<Report, "Columns" | "Rows">): ReportLine[] {
  const names = reportColumns(report);
  const out: ReportLine[] = [];
  const line = (
    type: ReportLine["type"],
    cells: ReportCell[] | undefined,
    group: string[],
    groupName: string | undefined,
    depth: number,
  ): void => {
    const values: Record<string, string> = {};
    const ids: Record<string, string> = {};
    (cells ?? []).forEach((cell, i) => {
      const name = names[i] ?? `Column ${i + 1}`;
      values[name] = cell?.value ?? "";
      if (cell?.id) ids[name] = cell.id;
    });
    out.push({ type, group, ...(groupName ? { groupName } : {}), depth, values, ids });
  };
  const walk = (
    rows: ReportRow[] | undefined,
    group: string[],
    groupName: string | undefined,
    depth: number,
  ) => {
    for (const row of rows ?? []) {
      const isSection = row.type === "Section" || row.Header !== undefined || row.Rows !== undefined;
      if (!isSection) {
        line("Data", row.ColData, group, groupName, depth);
        continue;
      }
      const title = row.Header?.ColData?.[0]?.value || row.Summary?.ColData?.[0]?.value || row.group || "";
      const path = [...group, title];
      const role = row.group ?? groupName;
      if (row.Header) line("Section", row.Header.ColData, path, role, depth);
      walk(row.Rows?.Row, path, role, depth + 1);
      if (row.Summary) line("Summary", row.Summary.ColData, path, role, depth);
    }
  };
  walk(report.Rows?.Row, [], undefined, 0);
  return out;
}

/** Options of {@link reportToCsv}. */
export interface ReportCsvOptions {
  /**
   * Prefix a cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
   * or a carriage return) with an apostrophe. Plain numbers such as `-150.00` are left as they are.
   * Default true.
   */
  formulaGuard?: boolean;
  /** Joins the group path in the `Group` column. Default `" / "`. */
  groupSeparator?: string;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function csvCell(text: string, guard: boolean): string {
  let value = text;
  if (guard && FORMULA_START.test(value) && !PLAIN_NUMBER.test(value)) value = `'${value}`;
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The report as CSV (RFC 4180: CRLF line ends, fields with a quote, comma or line break quoted): a
 * header line `Type,Group,<columns…>`, then one line per {@link reportRows} row.
 *
 * @example
 * await writeFile("pl.csv", reportToCsv(await qb.report("ProfitAndLoss", { date_macro: "This Fiscal Year" })));
 */
export function reportToCsv(
  report: Pick<Report, "Columns" | "Rows">,
  options: ReportCsvOptions = {},
): string {
  const guard = options.formulaGuard ?? true;
  const separator = options.groupSeparator ?? " / ";
  const names = reportColumns(report);
  const lines = [["Type", "Group", ...names].map((c) => csvCell(c, guard)).join(",")];
  for (const row of reportRows(report))
    lines.push(
      [row.type, row.group.join(separator), ...names.map((n) => row.values[n] ?? "")]
        .map((c) => csvCell(c, guard))
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}
