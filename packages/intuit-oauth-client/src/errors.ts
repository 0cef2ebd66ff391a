// The union of every concrete error class of the library (root, /redis and /postgres faces), which
// narrows by `code` as jose's errors do, and its type guard. Types only, apart from the guard:
// it imports nothing at run time but common/errors.ts, so every face can re-export it.
import {
  hasIntuitOAuthCode,
  type ConfigurationError,
  type MissingTokenError,
  type SharedStoreError,
} from "./common/errors.js";
import type { AbortError, NetworkError, TimeoutError } from "./http/errors.js";
import type { AuthorizationResponseError, CallbackError } from "./oauth/callback.js";
import type { AuthClientError, DiscoveryError, InvalidGrantError } from "./oauth/errors.js";
import type { IdTokenError } from "./oauth/id-token.js";
import type { JwksError } from "./oauth/jwks.js";
import type { TokenSetFormatError } from "./oauth/token-set.js";
import type { UserInfoFormatError } from "./oauth/user-info.js";
import type {
  LockTimeoutError,
  RealmMismatchError,
  ReauthorizationRequiredError,
  TokenNotFoundError,
  UnverifiedRealmError,
} from "./tokens/errors.js";
import type {
  InvalidRealmIdError,
  TokenStoreError,
  UnreadableRecordError,
  UnsafeTokenDirectoryError,
} from "./tokens/store-errors.js";
import type { RedisPersistenceError } from "./stores/redis/persistence-error.js";
import type { CdcIncompleteError, CdcLookbackError } from "./api/cdc.js";
import type { StaleObjectError } from "./api/conflict.js";
import type { QuickBooksError } from "./api/fault.js";
import type { ApiBudgetExceededError, RealmBudgetExceededError } from "./api/metering.js";
import type { ForbiddenOriginError } from "./api/url.js";
import type { WebhookPayloadError, WebhookSignatureError } from "./api/webhooks.js";

/**
 * A parent class as the union holds it: only its instances that carry the parent's own code. Its
 * subclasses are members of their own, so `case "ERR_UNREADABLE_RECORD"` narrows to
 * UnreadableRecordError alone, not to TokenStoreError | UnreadableRecordError.
 */
type Own<C extends abstract new (...args: never[]) => { readonly code: string }> = InstanceType<C> & {
  readonly code: C extends { readonly code: infer K } ? K : never;
};

/**
 * Every error class the library throws, as one union that narrows by `code`. A parent class
 * (`AuthClientError`, `NetworkError`, `QuickBooksError`, `TokenStoreError`, `ConfigurationError`)
 * is in it with its own code only; each subclass's code narrows to the subclass.
 *
 * @example
 * if (isIntuitOAuthError(e)) {
 *   switch (e.code) {
 *     case "ERR_CALLBACK": console.log(e.reason); break;
 *     case "ERR_QUICKBOOKS": console.log(e.intuitTid, e.errors); break;
 *   }
 * }
 */
export type AnyIntuitOAuthError =
  | Own<typeof ConfigurationError>
  | MissingTokenError
  | SharedStoreError
  | Own<typeof NetworkError>
  | TimeoutError
  | AbortError
  | CallbackError
  | AuthorizationResponseError
  | Own<typeof AuthClientError>
  | InvalidGrantError
  | DiscoveryError
  | IdTokenError
  | JwksError
  | TokenSetFormatError
  | UserInfoFormatError
  | TokenNotFoundError
  | ReauthorizationRequiredError
  | LockTimeoutError
  | UnverifiedRealmError
  | RealmMismatchError
  | Own<typeof TokenStoreError>
  | UnreadableRecordError
  | InvalidRealmIdError
  | UnsafeTokenDirectoryError
  | RedisPersistenceError
  | Own<typeof QuickBooksError>
  | StaleObjectError
  | CdcLookbackError
  | CdcIncompleteError
  | ApiBudgetExceededError
  | RealmBudgetExceededError
  | ForbiddenOriginError
  | WebhookPayloadError
  | WebhookSignatureError;

/**
 * Whether `error` is one of this library's errors: an instance of its classes, or (from another
 * copy of the package, where instanceof fails) an error whose `code` is one of the library's with
 * the matching class `name`. Narrows to {@link AnyIntuitOAuthError}, so a `switch` on `code` works.
 *
 * @example
 * catch (e) { if (isIntuitOAuthError(e) && e.code === "ERR_LOCK_TIMEOUT") return retryLater(e.realmId); throw e; }
 */
export function isIntuitOAuthError(error: unknown): error is AnyIntuitOAuthError {
  return hasIntuitOAuthCode(error) && error.code !== "ERR_INTUIT_OAUTH";
}
