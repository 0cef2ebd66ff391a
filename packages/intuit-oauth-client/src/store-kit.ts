// The `intuit-oauth-client/store-kit` subpath: what authors of their own token stores and API-limits
// backends use (record copying, parsing and encryption, paging, realm-id order, the shared limits'
// backend contract). The conformance suite is beside it at `intuit-oauth-client/store-kit/testing`.
// It only re-exports, and needs Node (encryption at rest uses node:crypto).
export { copyRecord, freezeRecord, parseRecord, serializeRecord } from "./tokens/record.js";
export { dueAt } from "./tokens/paging.js";
export { checkRealmId, compareRealmIds } from "./tokens/realm-id.js";
export {
  decryptRecordText,
  encryptRecordText,
  parseEncryptionKey,
  recordTextFormat,
} from "./tokens/encryption.js";
export type { EncryptionKey, EncryptionKeys, RecordSource, RecordTextFormat } from "./tokens/encryption.js";
export { recordCodec } from "./tokens/record-codec.js";
export type { RecordCodec, RecordCodecOptions } from "./tokens/record-codec.js";
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
