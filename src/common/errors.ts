// The base of the library's one error hierarchy and the list of every code it uses. Every class
// has a stable string `code` (on the class and on each instance) so callers can branch without
// instanceof across package copies. Errors never hold secrets.

/** Every `code` an error of this library can carry. The same list, explained, is in docs/api.md. */
export type IntuitOAuthErrorCode =
  | "ERR_INTUIT_OAUTH"
  | "ERR_CONFIGURATION"
  | "ERR_MISSING_TOKEN"
  | "ERR_AUTH_CLIENT"
  | "ERR_INVALID_GRANT"
  | "ERR_NETWORK"
  | "ERR_TIMEOUT"
  | "ERR_ABORT"
  | "ERR_DISCOVERY"
  | "ERR_CALLBACK"
  | "ERR_AUTHORIZATION_RESPONSE"
  | "ERR_ID_TOKEN"
  | "ERR_JWKS"
  | "ERR_TOKEN_SET_FORMAT"
  | "ERR_USERINFO_FORMAT"
  | "ERR_TOKEN_STORE"
  | "ERR_UNREADABLE_RECORD"
  | "ERR_INVALID_REALM_ID"
  | "ERR_UNSAFE_TOKEN_DIRECTORY"
  | "ERR_REDIS_PERSISTENCE"
  | "ERR_TOKEN_NOT_FOUND"
  | "ERR_REAUTHORIZATION_REQUIRED"
  | "ERR_LOCK_TIMEOUT"
  | "ERR_UNVERIFIED_REALM"
  | "ERR_REALM_MISMATCH"
  | "ERR_QUICKBOOKS"
  | "ERR_FORBIDDEN_ORIGIN"
  | "ERR_STALE_OBJECT"
  | "ERR_CDC_LOOKBACK"
  | "ERR_CDC_INCOMPLETE"
  | "ERR_WEBHOOK_PAYLOAD"
  | "ERR_WEBHOOK_SIGNATURE"
  | "ERR_API_BUDGET_EXCEEDED"
  | "ERR_REALM_BUDGET_EXCEEDED"
  | "ERR_SHARED_STORE";

/** Base class of every error this library throws. */
export class IntuitOAuthError extends Error {
  /** Stable machine-readable code. */
  static readonly code: IntuitOAuthErrorCode = "ERR_INTUIT_OAUTH";
  readonly code: IntuitOAuthErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof IntuitOAuthError).code;
  }
}

/** A required option or argument is missing or invalid: a programming error, not a server failure. */
export class ConfigurationError extends IntuitOAuthError {
  static override readonly code: IntuitOAuthErrorCode = "ERR_CONFIGURATION";
}

/** A token method was called without a token and the client holds none (Python's ValueError). */
export class MissingTokenError extends IntuitOAuthError {
  static override readonly code: IntuitOAuthErrorCode = "ERR_MISSING_TOKEN";
}

/**
 * The shared store behind fleet coordination (API limits and metering, the callback state store,
 * webhook de-duplication) failed or could not be reached. Nothing was sent to Intuit.
 */
export class SharedStoreError extends IntuitOAuthError {
  static override readonly code: IntuitOAuthErrorCode = "ERR_SHARED_STORE";
}
