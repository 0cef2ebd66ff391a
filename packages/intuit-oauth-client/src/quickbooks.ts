// The `intuit-oauth-client/quickbooks` subpath: the QuickBooks API's own names that most applications
// never need on the root face: size and page limits, CDC windows, entity names and what each entity
// allows, the download hosts, metering, and report names, parameters and readers. Portable: no Node
// built-in. It only re-exports; the helper itself (`quickbooks`, QuickBooksClient) is on the root.
export { checkRequestId, MAX_REQUEST_ID_LENGTH, MAX_BATCH_REQUEST_ID_LENGTH } from "./api/request-id.js";
export { MAX_PAGE_SIZE } from "./api/query-all.js";
export { CDC_LOOKBACK_MS, CDC_MAX_OBJECTS } from "./api/cdc.js";
export { MAX_BATCH_SIZE } from "./api/batch.js";
export { MAX_UPLOAD_BYTES } from "./api/upload.js";
export { INTUIT_DOWNLOAD_HOSTS } from "./api/download-hosts.js";
export { ENTITY_NAMES, isEntityName, isNameList, isSingleton } from "./api/entities/index.js";
export { BUDGET_THRESHOLDS, classifyApiCall, prometheusText } from "./api/metering.js";
export { DEFAULT_API_LIMITS, callKind } from "./api/limits.js";
export type { RateLimitedEvent } from "./api/metering.js";
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
