// `qb.report(name, params)`: one `GET reports/{name}` with the parameters encoded as Intuit reads them
// (dates as `YYYY-MM-DD`, id lists comma-separated), answered as the typed report. Reports are
// CorePlus (metered) reads; this file never caches or pages them.
import { ConfigurationError } from "../common/errors.js";
import { asObject, unexpectedAnswer, type DataPlane, type DataPlaneCallOptions } from "./data-plane.js";
import { REPORT_NAMES, type Report, type ReportName, type ReportParams } from "./report-types.js";
import type { QueryValues } from "./url.js";

/** Options of `qb.report`. */
export interface ReportOptions extends DataPlaneCallOptions {
  /** Parameters the typed list lacks, sent as they are (`undefined` values are skipped). */
  query?: QueryValues;
}

const NAMES: ReadonlySet<string> = new Set(REPORT_NAMES);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_PARAMS: ReadonlySet<string> = new Set(["start_date", "end_date", "report_date"]);

/** Whether `name` is one of {@link REPORT_NAMES}. */
export function isReportName(name: unknown): name is ReportName {
  return typeof name === "string" && NAMES.has(name);
}

/** A report's parameters as query values; a bad date or value is a ConfigurationError, nothing is sent. */
export function reportQuery(params: object | undefined): QueryValues {
  const query: QueryValues = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined) continue;
    query[name] = reportValue(name, value);
  }
  return query;
}

function reportValue(name: string, value: unknown): string | number | boolean {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ConfigurationError(`${name} is an invalid Date`);
    return value.toISOString().slice(0, 10);
  }
  if (Array.isArray(value)) {
    const parts = value.map((v: unknown) => {
      if (typeof v !== "string" || v === "" || v.includes(","))
        throw new ConfigurationError(`${name} takes non-empty strings without commas`);
      return v;
    });
    if (parts.length === 0) throw new ConfigurationError(`${name} is an empty list`);
    return parts.join(",");
  }
  if (typeof value === "string") {
    if (DATE_PARAMS.has(name) && !(DAY.test(value) && !Number.isNaN(Date.parse(value))))
      throw new ConfigurationError(
        `${name} must be a date as YYYY-MM-DD (or a Date), not ${JSON.stringify(value)}`,
      );
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    if (typeof value === "number" && !Number.isFinite(value))
      throw new ConfigurationError(`${name} must be a finite number`);
    return value;
  }
  throw new ConfigurationError(`${name} must be a string, number, boolean, Date or list of ids`);
}

/**
 * Runs a report and returns it as Intuit sends it (`Header`, `Columns`, `Rows`).
 *
 * @example
 * const pl = await qb.report("ProfitAndLoss", { start_date: "2026-01-01", end_date: "2026-03-31", accounting_method: "Accrual" });
 * for (const row of reportRows(pl)) console.log(row.group.join(" / "), row.values["Total"]);
 */
export async function runReport<N extends ReportName>(
  plane: DataPlane,
  name: N,
  params?: ReportParams<N>,
  options: ReportOptions = {},
): Promise<Report> {
  if (!isReportName(name))
    throw new ConfigurationError(
      `unknown report ${JSON.stringify(name)}; one of ${REPORT_NAMES.join(", ")} (or call qb.get("reports/<Name>") for a newer one)`,
    );
  const query = { ...reportQuery(params), ...options.query };
  const res = await plane.send<Record<string, unknown>>({
    method: "GET",
    path: `reports/${name}`,
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const body = asObject(res.body);
  if (!body || !asObject(body["Header"])) throw unexpectedAnswer(res, "Header");
  // An empty report may leave out Columns or Rows; the type promises both.
  const columns = asObject(body["Columns"]);
  return {
    ...body,
    Header: body["Header"],
    Columns: { ...columns, Column: Array.isArray(columns?.["Column"]) ? columns["Column"] : [] },
    Rows: asObject(body["Rows"]) ?? {},
  } as Report;
}
