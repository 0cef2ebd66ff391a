// The public face of the stateless protocol layer (src/oauth), as `intuit-oauth-client/protocol`:
// functions that take a frozen config and return values, for servers that keep their own state and
// frameworks that wrap their own client. Portable: no Node built-in. It only re-exports.

// The config: endpoints, credentials, HTTP client, clock, and what it owns (JWKS cache, used callbacks)
export { createOAuthConfig } from "./oauth/config.js";
export type { OAuthConfig, OAuthConfigOptions } from "./oauth/config.js";
export { INTUIT_ENVIRONMENTS, DISCOVERY_URLS } from "./oauth/environments.js";
export type { EnvironmentName, IntuitEndpoints } from "./oauth/environments.js";
export { discoverEndpoints, endpointsFromDiscovery, DiscoveryCache } from "./oauth/discovery.js";
export type { DiscoverOptions } from "./oauth/discovery.js";
export { ClientAuth } from "./oauth/client-auth.js";
export type { TokenEndpointAuthMethod } from "./oauth/client-auth.js";
export type { CallbackStore } from "./oauth/single-use.js";
export { HttpClient } from "./http/request.js";
export type { HttpOptions } from "./http/request.js";
export type { FetchLike } from "./http/transport.js";
export { Scopes } from "./oauth/scopes.js";
export type { Scope, ScopeLike } from "./oauth/scopes.js";

// The front channel: the authorization request, then the callback
export { createAuthorizationRequest, codeChallengeS256 } from "./oauth/authorization-request.js";
export type { AuthorizationRequest, AuthorizationUrlOptions } from "./oauth/authorization-request.js";
export {
  validateCallback,
  isValidatedCallback,
  CallbackError,
  AuthorizationResponseError,
} from "./oauth/callback.js";
export type { CallbackErrorReason, ValidatedCallback } from "./oauth/callback.js";

// The token endpoint: the code exchange (once per code and state) and refresh; revoke; userinfo
export { exchangeCallback, exchangeCode, refreshGrant } from "./oauth/token-endpoint.js";
export type {
  ExchangeCallbackOptions,
  ExchangeOptions,
  GrantResult,
  RefreshGrantOptions,
} from "./oauth/token-endpoint.js";
export { revokeToken } from "./oauth/revoke.js";
export { fetchUserInfo, UserInfoFormatError } from "./oauth/user-info.js";
export type { UserInfo, UserAddress } from "./oauth/user-info.js";
export {
  TokenSetFormatError,
  tokenSetFromJSON,
  isAccessTokenExpired,
  isRefreshTokenExpired,
} from "./oauth/token-set.js";
export type { TokenSet } from "./oauth/token-set.js";

// The realm proof and ID-token verification
export { proveRealm } from "./oauth/realm.js";
export { isQuickBooksRealmId } from "./oauth/realm-id.js";
export { verifyClientIdToken } from "./oauth/verify.js";
export type { VerifyIdTokenOptions } from "./oauth/verify.js";
export { verifyIdToken, IdTokenError } from "./oauth/id-token.js";
export type {
  IdTokenClaims,
  IdTokenErrorReason,
  IdTokenExpectations,
  IdTokenKeys,
} from "./oauth/id-token.js";
export { JwksCache, JwksError } from "./oauth/jwks.js";
export type { JwksCacheOptions } from "./oauth/jwks.js";

// Legacy OAuth 1.0a → 2.0 migration
export { migrateOAuth1 } from "./oauth/migrate.js";
export type { MigrateOptions } from "./oauth/migrate.js";

// The errors these functions throw
export { IntuitOAuthError, ConfigurationError, MissingTokenError } from "./common/errors.js";
export { AuthClientError, InvalidGrantError, DiscoveryError } from "./oauth/errors.js";
export { NetworkError, TimeoutError, AbortError } from "./http/errors.js";
