// The public face of intuit-oauth-client. It only re-exports.
export { AuthClient } from "./client/auth-client.js";
export type {
  AuthClientOptions,
  BearerTokenOptions,
  CallbackOptions,
  CallOptions,
  RefreshOptions,
} from "./client/auth-client.js";
export { Scopes, COMPANY_SCOPES } from "./client/scopes.js";
export type { Scope, ScopeLike } from "./client/scopes.js";
export {
  AuthorizationResponseError,
  CallbackError,
  codeChallengeS256,
  validateCallback,
} from "./client/authorization.js";
export type {
  AuthorizationRequest,
  AuthorizationUrlOptions,
  CallbackErrorReason,
  ValidatedCallback,
} from "./client/authorization.js";
export { INTUIT_ENVIRONMENTS, DISCOVERY_URLS, clearDiscoveryCache } from "./client/environments.js";
export type { EnvironmentName, IntuitEndpoints } from "./client/environments.js";
export { IdTokenError } from "./client/id-token.js";
export type { IdTokenClaims, IdTokenErrorReason } from "./client/id-token.js";
export { JwksError, clearJwksCache } from "./client/jwks.js";
export type { JwksCacheOptions } from "./client/jwks.js";
export type { MigrateOptions } from "./client/migrate.js";
export {
  TokenSetFormatError,
  tokenSetFromJSON,
  isAccessTokenExpired,
  isRefreshTokenExpired,
} from "./client/token-set.js";
export type { TokenSet } from "./client/token-set.js";
export { UserInfoFormatError } from "./client/user-info.js";
export type { UserInfo, UserAddress } from "./client/user-info.js";
export {
  AbortError,
  AuthClientError,
  ConfigurationError,
  DiscoveryError,
  IntuitOAuthError,
  InvalidGrantError,
  MissingTokenError,
  NetworkError,
  TimeoutError,
} from "./http/errors.js";
export type { HttpErrorDetails } from "./http/errors.js";
export type { HttpOptions, RetryPolicy } from "./http/request.js";
export type { Logger, LoggerLike } from "./http/logger.js";
export type { FetchLike } from "./http/transport.js";
export { VERSION } from "./version.js";
export { TokenManager } from "./tokens/token-manager.js";
export type { TokenManagerOptions, TokenManagerEvents, RefreshDueResult } from "./tokens/token-manager.js";
export {
  TokenNotFoundError,
  ReauthorizationRequiredError,
  LockTimeoutError,
  RealmMismatchError,
  UnverifiedRealmError,
} from "./tokens/errors.js";
export {
  TokenStoreError,
  UnreadableRecordError,
  InvalidRealmIdError,
  UnsafeTokenDirectoryError,
} from "./tokens/store-errors.js";
export type { UnreadableRecordDetails, UnreadableRecordReason } from "./tokens/store-errors.js";
export type { ListOptions, TokenStore, TokenRecord, ReauthorizationReason } from "./tokens/store.js";
export { checkRealmId, compareRealmIds, MAX_REALM_ID_BYTES } from "./tokens/realm-id.js";
export type { TokenInfo, TokenStatus } from "./tokens/token-status.js";
export { MemoryTokenStore } from "./tokens/stores/memory.js";
export { FileTokenStore, defaultTokenDirectory, defaultConfigDirectory } from "./tokens/stores/file.js";
export type { FileTokenStoreOptions } from "./tokens/stores/file.js";
export {
  decryptRecordText,
  encryptRecordText,
  parseEncryptionKey,
  recordTextFormat,
} from "./tokens/encryption.js";
export type { EncryptionKey, RecordSource, RecordTextFormat } from "./tokens/encryption.js";
export { copyRecord, parseRecord, recordCodec, serializeRecord } from "./tokens/record.js";
export type { RecordCodec, RecordCodecOptions } from "./tokens/record.js";
export { encryptStoredRecords } from "./tokens/encrypt-stored-records.js";
export type {
  EncryptStoredRecordsOptions,
  EncryptStoredRecordsResult,
} from "./tokens/encrypt-stored-records.js";
export { QuickBooksClient } from "./api/quickbooks.js";
export type {
  JsonObject,
  QuickBooksBody,
  QuickBooksCallOptions,
  QuickBooksClientOptions,
  QuickBooksMethod,
  QuickBooksRequest,
  QuickBooksResponse,
  QuickBooksResponseType,
} from "./api/quickbooks.js";
export { QuickBooksError, parseFault } from "./api/fault.js";
export type { ParsedFault, QuickBooksErrorDetail, QuickBooksErrorDetails } from "./api/fault.js";
export { RealmLimiter } from "./api/rate-limit.js";
export type { RealmLimits, Sleep } from "./api/rate-limit.js";
export type { QueryValues } from "./api/url.js";
export {
  verifyWebhookSignature,
  parseWebhook,
  handleWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
} from "./api/webhooks.js";
export type { WebhookEvent, WebhookOperation } from "./api/webhooks.js";
