// The public face of the QuickBooks API's own names, as `intuit-oauth-client/quickbooks`: report
// names, parameters and readers, and the lists of what each entity allows. Portable: no Node
// built-in. It only re-exports (the helper itself, `quickbooks()`, is on the root face).
export { REPORT_NAMES } from "./api/report-types.js";
export type {
  DateMacro,
  IdFilter,
  Report,
  ReportAgingParams,
  ReportBaseParams,
  ReportCell,
  ReportColumn,
  ReportDate,
  ReportDetailParams,
  ReportHeader,
  ReportName,
  ReportNameValue,
  ReportParams,
  ReportParamsByName,
  ReportRow,
  ReportSummaryParams,
} from "./api/report-types.js";
export { isReportName, reportQuery } from "./api/reports.js";
export type { ReportOptions } from "./api/reports.js";
export { reportColumns, reportRows, reportToCsv } from "./api/report-rows.js";
export type { ReportCsvOptions, ReportLine } from "./api/report-rows.js";
export { PDF_ENTITIES, SENDABLE_ENTITIES, VOIDABLE_ENTITIES } from "./api/documents.js";
export type { ExchangeRateOptions, PdfOptions, SendOptions } from "./api/documents.js";
export { writeRefusal, isReadOnly } from "./api/entities/index.js";
export type {
  ExchangeRateUpdate,
  PdfEntityName,
  ReadOnlyEntityName,
  SendableEntityName,
  UpdatableEntityName,
  VoidableEntityName,
} from "./api/entities/index.js";
