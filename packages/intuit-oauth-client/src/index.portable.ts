// The public face on every runtime (Node, Bun, Deno, workerd, edge runtimes): everything that needs
// only fetch, URL, TextEncoder and Web Crypto. It only re-exports. index.ts adds the Node-only parts.
export { AuthClient } from "./client/auth-client.js";
export type {
  AuthClientOptions,
  BearerTokenOptions,
  CallbackOptions,
  CallOptions,
  CreateOptions,
  RefreshOptions,
} from "./client/auth-client.js";
export { Scopes, COMPANY_SCOPES } from "./oauth/scopes.js";
export type { Scope, ScopeLike } from "./oauth/scopes.js";
export type { AuthorizationRequest, AuthorizationUrlOptions } from "./oauth/authorization-request.js";
export { AuthorizationResponseError, CallbackError } from "./oauth/callback.js";
export type { CallbackErrorReason, ValidatedCallback } from "./oauth/callback.js";
export type { TokenEndpointAuthMethod } from "./oauth/client-auth.js";
export type { OAuthConfig, OAuthConfigOptions } from "./oauth/config.js";
export type { EnvironmentName, IntuitEndpoints } from "./oauth/environments.js";
export { IdTokenError } from "./oauth/id-token.js";
export type { IdTokenClaims, IdTokenErrorReason } from "./oauth/id-token.js";
export { JwksError } from "./oauth/jwks.js";
export type { JwksCacheOptions } from "./oauth/jwks.js";
export type { MigrateOptions } from "./oauth/migrate.js";
export { TokenSetFormatError, tokenSetFromJSON } from "./oauth/token-set.js";
export type { TokenSet } from "./oauth/token-set.js";
export { UserInfoFormatError } from "./oauth/user-info.js";
export type { UserInfo, UserAddress } from "./oauth/user-info.js";
export {
  IntuitOAuthError,
  ConfigurationError,
  MissingTokenError,
  SharedStoreError,
  mustReconnect,
} from "./common/errors.js";
export type { IntuitOAuthErrorCode } from "./common/errors.js";
export { isIntuitOAuthError } from "./errors.js";
export type { AnyIntuitOAuthError } from "./errors.js";
export { AuthClientError, InvalidGrantError, DiscoveryError } from "./oauth/errors.js";
export type { HttpErrorDetails } from "./oauth/errors.js";
export { NetworkError, TimeoutError, AbortError } from "./http/errors.js";
export type { HttpOptions } from "./http/request.js";
export type { RetryPolicy } from "./common/retry.js";
export type { Logger, LoggerLike } from "./common/logger.js";
export type { Sleep } from "./common/sleep.js";
export type { FetchLike } from "./http/transport.js";
export { VERSION } from "./common/version.js";
export { TokenManager } from "./tokens/token-manager.js";
export type { TokenManagerOptions, TokenManagerEvents, RefreshDueResult } from "./tokens/token-manager.js";
export type { TokenClient } from "./tokens/token-client.js";
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
export type {
  ListOptions,
  PageOptions,
  TokenPage,
  TokenStore,
  TokenRecord,
  ReauthorizationReason,
} from "./tokens/store.js";
export type { TokenInfo, TokenStatus } from "./tokens/token-status.js";
export { MemoryTokenStore } from "./stores/memory/token-store.js";
export { encryptStoredRecords } from "./tokens/encrypt-stored-records.js";
export type {
  EncryptStoredRecordsOptions,
  EncryptStoredRecordsResult,
} from "./tokens/encrypt-stored-records.js";
export { QuickBooksClient, quickbooks } from "./api/quickbooks.js";
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
export type { QuickBooksTokens } from "./api/access-tokens.js";
export { QuickBooksError, parseFault, isTokenOfAnotherCompany } from "./api/fault.js";
export { StaleObjectError } from "./api/conflict.js";
export type { DataPlaneCallOptions } from "./api/data-plane.js";
export type { DeletedEntity, EntityUpdateOptions, EntityWriteOptions } from "./api/crud.js";
export type { QueryAllOptions, QueryRows } from "./api/query-all.js";
export { CdcIncompleteError, CdcLookbackError } from "./api/cdc.js";
export type { AnyCdcResult, CdcDeletion, CdcGap, CdcOptions, CdcResult } from "./api/cdc.js";
export type { BatchItem, BatchOptions, BatchResult } from "./api/batch.js";
export type { AttachTo, DownloadOptions, UploadOptions } from "./api/upload.js";
export type { FileData, FileStream } from "./api/multipart.js";
export type * from "./api/entities/index.js";
export type { ParsedFault, QuickBooksErrorDetail, QuickBooksErrorDetails } from "./api/fault.js";
export type { ApiCallKind, ApiLimits, ApiLimitSettings, ApiRelease, ApiRequestInfo } from "./api/limits.js";
export { MemoryApiLimits } from "./stores/memory/api-limits.js";
export type { MemoryApiLimitsOptions } from "./stores/memory/api-limits.js";
export { ApiBudgetExceededError, RealmBudgetExceededError } from "./api/metering.js";
export type {
  ApiCallClassifier,
  ApiLimitsEvents,
  ApiUsage,
  BudgetApproachingEvent,
  MeterClass,
  MeterCounts,
  MeteringOptions,
  MetricsOptions,
  UsageOptions,
} from "./api/metering.js";
export { MemoryStateStore } from "./stores/memory/state-store.js";
export type { MemoryStateStoreOptions } from "./stores/memory/state-store.js";
export type { StateStore } from "./state/state-store.js";
export { ForbiddenOriginError } from "./api/url.js";
export type { QueryValues, QuickBooksApi } from "./api/url.js";
export {
  verifyWebhookSignature,
  parseWebhook,
  handleWebhook,
  WebhookPayloadError,
  WebhookSignatureError,
} from "./api/webhooks.js";
export type { WebhookEvent, WebhookOperation } from "./api/webhooks.js";
export { handleWebhookOnce, webhookEventKey } from "./api/webhook-once.js";
export type { WebhookDelivery, WebhookOnceOptions } from "./api/webhook-once.js";
