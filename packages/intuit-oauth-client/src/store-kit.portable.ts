// The `intuit-oauth-client/store-kit` subpath on every runtime: what authors of their own token stores
// and API-limits backends use (record copying and parsing, paging, realm-id order, the shared limits'
// backend contract). store-kit.ts adds the Node-only encryption at rest. It only re-exports.
export { copyRecord, freezeRecord, parseRecord, serializeRecord } from "./tokens/record.js";
export { dueAt } from "./tokens/paging.js";
export { checkRealmId, compareRealmIds } from "./tokens/realm-id.js";
export { RealmLimiter } from "./stores/memory/realm-limiter.js";
export type { RealmLimits } from "./stores/memory/realm-limiter.js";
export { SharedApiLimits } from "./api/shared-limits.js";
export type {
  BackendSettings,
  LimitsBackend,
  SharedApiLimitsOptions,
  SharedAttempt,
  SharedAttemptResult,
  SharedLimitsStats,
} from "./api/shared-limits.js";
