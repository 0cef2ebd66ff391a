// The base of the library's one error hierarchy and the list of every code it uses. Every class
// has a stable literal `code` (on the class and on each instance) so callers can branch on it,
// even across package copies where instanceof fails. Errors never hold secrets.

/**
 * Every error code, with the name of the class that carries it. The guards check both, so an
 * error of another library that happens to use one of these codes (axios's `ERR_NETWORK`) is not
 * taken for ours.
 */
export const ERROR_CLASS_NAMES = {
  ERR_INTUIT_OAUTH: "IntuitOAuthError",
  ERR_CONFIGURATION: "ConfigurationError",
  ERR_MISSING_TOKEN: "MissingTokenError",
  ERR_AUTH_CLIENT: "AuthClientError",
  ERR_INVALID_GRANT: "InvalidGrantError",
  ERR_NETWORK: "NetworkError",
  ERR_TIMEOUT: "TimeoutError",
  ERR_ABORT: "AbortError",
  ERR_DISCOVERY: "DiscoveryError",
  ERR_CALLBACK: "CallbackError",
  ERR_AUTHORIZATION_RESPONSE: "AuthorizationResponseError",
  ERR_ID_TOKEN: "IdTokenError",
  ERR_JWKS: "JwksError",
  ERR_TOKEN_SET_FORMAT: "TokenSetFormatError",
  ERR_USERINFO_FORMAT: "UserInfoFormatError",
  ERR_TOKEN_STORE: "TokenStoreError",
  ERR_UNREADABLE_RECORD: "UnreadableRecordError",
  ERR_INVALID_REALM_ID: "InvalidRealmIdError",
  ERR_UNSAFE_TOKEN_DIRECTORY: "UnsafeTokenDirectoryError",
  ERR_REDIS_PERSISTENCE: "RedisPersistenceError",
  ERR_TOKEN_NOT_FOUND: "TokenNotFoundError",
  ERR_REAUTHORIZATION_REQUIRED: "ReauthorizationRequiredError",
  ERR_LOCK_TIMEOUT: "LockTimeoutError",
  ERR_UNVERIFIED_REALM: "UnverifiedRealmError",
  ERR_REALM_MISMATCH: "RealmMismatchError",
  ERR_QUICKBOOKS: "QuickBooksError",
  ERR_FORBIDDEN_ORIGIN: "ForbiddenOriginError",
  ERR_STALE_OBJECT: "StaleObjectError",
  ERR_CDC_LOOKBACK: "CdcLookbackError",
  ERR_CDC_INCOMPLETE: "CdcIncompleteError",
  ERR_WEBHOOK_PAYLOAD: "WebhookPayloadError",
  ERR_WEBHOOK_SIGNATURE: "WebhookSignatureError",
  ERR_API_BUDGET_EXCEEDED: "ApiBudgetExceededError",
  ERR_REALM_BUDGET_EXCEEDED: "RealmBudgetExceededError",
  ERR_SHARED_STORE: "SharedStoreError",
} as const;

/** Every `code` an error of this library can carry. The same list, explained, is in docs/api.md. */
export type IntuitOAuthErrorCode = keyof typeof ERROR_CLASS_NAMES;

/**
 * Base class of every error this library throws; never thrown itself. Narrow a caught error with
 * `instanceof` on a concrete class, or with `isIntuitOAuthError` and a `switch` on `code`.
 */
export abstract class IntuitOAuthError extends Error {
  /** Stable machine-readable code: each concrete class declares its own literal. */
  static readonly code: IntuitOAuthErrorCode = "ERR_INTUIT_OAUTH";
  /** The class's `code`, on the instance, so callers can branch without instanceof. */
  readonly code: IntuitOAuthErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    // The one place an instance gets its code; each class only narrows the type (`declare readonly code`).
    this.code = (new.target as unknown as { code: IntuitOAuthErrorCode }).code;
  }
}

/**
 * A parent error class as its subclasses extend it: `class B extends (A as ErrorParent<typeof A>)`.
 * TypeScript requires a subclass's static side to be assignable to its parent's, which another
 * literal `code` is not; this view widens only the parent's static `code` (no run-time effect).
 */
export type ErrorParent<C extends abstract new (...args: never[]) => IntuitOAuthError> = {
  new (...args: ConstructorParameters<C>): InstanceType<C>;
  readonly code: IntuitOAuthErrorCode;
  readonly prototype: InstanceType<C>;
};

/**
 * A required option or argument is missing or invalid: a programming error, not a server failure.
 * The message names the option and what is wrong with its value, never the value of a secret.
 */
export class ConfigurationError extends IntuitOAuthError {
  static override readonly code = "ERR_CONFIGURATION";
  /** `ERR_FORBIDDEN_ORIGIN` on its subclass {@link ForbiddenOriginError}. */
  declare readonly code: "ERR_CONFIGURATION" | "ERR_FORBIDDEN_ORIGIN";
}

/** A token method was called without a token and the client holds none (Python's ValueError). */
export class MissingTokenError extends IntuitOAuthError {
  static override readonly code = "ERR_MISSING_TOKEN";
  declare readonly code: "ERR_MISSING_TOKEN";
}

/**
 * The shared store behind fleet coordination (API limits and metering, the callback state store,
 * webhook de-duplication) failed or could not be reached. Nothing was sent to Intuit.
 */
export class SharedStoreError extends IntuitOAuthError {
  static override readonly code = "ERR_SHARED_STORE";
  declare readonly code: "ERR_SHARED_STORE";
}

/** Codes that say the company's grant is gone and the user must connect it again. */
const RECONNECT_CODES: ReadonlySet<string> = new Set<IntuitOAuthErrorCode>([
  "ERR_INVALID_GRANT",
  "ERR_REAUTHORIZATION_REQUIRED",
]);

/** Whether `error` carries one of this library's codes under its class's name (works across copies). */
export function hasIntuitOAuthCode(error: unknown): error is { code: IntuitOAuthErrorCode; name: string } {
  if (error instanceof IntuitOAuthError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return (
    typeof code === "string" &&
    Object.hasOwn(ERROR_CLASS_NAMES, code) &&
    ERROR_CLASS_NAMES[code as IntuitOAuthErrorCode] === name
  );
}

/**
 * The one question "must this company connect again?": true for an {@link InvalidGrantError} (the
 * code or refresh token is invalid, expired, reused or revoked) and a
 * {@link ReauthorizationRequiredError} (the token manager recorded that the grant is gone), from
 * any copy of the package; false for anything else, including a company never connected
 * (`TokenNotFoundError`) and passing failures (network, timeouts, 5xx) that a retry may cure.
 *
 * @example
 * try { await qb.get(`companyinfo/${realmId}`); }
 * catch (e) { if (mustReconnect(e)) return res.redirect("/connect"); throw e; }
 */
export function mustReconnect(error: unknown): boolean {
  return hasIntuitOAuthCode(error) && RECONNECT_CODES.has(error.code);
}
