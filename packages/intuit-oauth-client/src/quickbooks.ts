// The `intuit-oauth-client/quickbooks` subpath: the QuickBooks API's limits and vocabulary (size and
// page limits, CDC windows, entity names, the download hosts) that most applications never need on
// the root face. It only re-exports; the helper itself (`quickbooks`, QuickBooksClient) is on the root.
export { checkRequestId, MAX_REQUEST_ID_LENGTH, MAX_BATCH_REQUEST_ID_LENGTH } from "./api/request-id.js";
export { MAX_PAGE_SIZE } from "./api/query-all.js";
export { CDC_LOOKBACK_MS, CDC_MAX_OBJECTS } from "./api/cdc.js";
export { MAX_BATCH_SIZE } from "./api/batch.js";
export { MAX_UPLOAD_BYTES } from "./api/upload.js";
export { INTUIT_DOWNLOAD_HOSTS } from "./api/download-hosts.js";
export { ENTITY_NAMES, isEntityName, isNameList, isSingleton } from "./api/entities/index.js";
export { BUDGET_THRESHOLDS, classifyApiCall, prometheusText } from "./api/metering.js";
export { DEFAULT_API_LIMITS, callKind } from "./api/limits.js";
