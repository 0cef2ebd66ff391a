// The front channel's second half: the callback validator. It checks the state first (constant
// time), then `error=`, then the code and the realm id's shape. Only parameters it produced can be
// exchanged (a WeakSet brand), so the state check cannot be skipped by accident. Sends nothing.
import { IntuitOAuthError } from "../common/errors.js";
import { safeEqual } from "../crypto/compare.js";
import { isQuickBooksRealmId } from "./realm-id.js";

/** Why a callback was rejected before any code was exchanged. */
export type CallbackErrorReason =
  | "state_missing"
  | "state_mismatch"
  | "state_reused"
  | "code_reused"
  | "no_expected_state"
  | "code_missing"
  | "duplicate_parameter"
  | "realm_mismatch"
  | "malformed";

/** The callback URL failed validation; nothing was exchanged. */
export class CallbackError extends IntuitOAuthError {
  static override readonly code = "ERR_CALLBACK";
  declare readonly code: "ERR_CALLBACK";
  /** Stable reason code. */
  readonly reason: CallbackErrorReason;
  constructor(reason: CallbackErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The authorization server redirected back with `error=…` (e.g. the user clicked Cancel). */
export class AuthorizationResponseError extends IntuitOAuthError {
  static override readonly code = "ERR_AUTHORIZATION_RESPONSE";
  declare readonly code: "ERR_AUTHORIZATION_RESPONSE";
  /** The OAuth error code, e.g. `access_denied`. */
  readonly error: string;
  readonly errorDescription: string | undefined;
  constructor(error: string, errorDescription: string | undefined) {
    super(
      error === "access_denied"
        ? `The user denied access (access_denied)${errorDescription ? `: ${errorDescription}` : ""}`
        : `Authorization failed: ${error}${errorDescription ? `: ${errorDescription}` : ""}`,
    );
    this.error = error;
    this.errorDescription = errorDescription;
  }
  /** True when the user declined to connect. */
  get accessDenied(): boolean {
    return this.error === "access_denied";
  }
}

/** Callback parameters that passed validation. Only these can be exchanged for tokens. */
export interface ValidatedCallback {
  readonly code: string;
  readonly state: string;
  readonly realmId: string | undefined;
}

const validated = new WeakSet<ValidatedCallback>();

/** Whether `value` came from {@link validateCallback}. */
export function isValidatedCallback(value: unknown): value is ValidatedCallback {
  return typeof value === "object" && value !== null && validated.has(value as ValidatedCallback);
}

function paramsOf(input: string | URL | URLSearchParams): URLSearchParams {
  if (input instanceof URLSearchParams) return input;
  if (input instanceof URL) return input.searchParams;
  if (typeof input !== "string")
    throw new CallbackError("malformed", "Callback must be a URL, a query string or URLSearchParams");
  const s = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(s)) {
    try {
      return new URL(s).searchParams;
    } catch {
      throw new CallbackError("malformed", "Callback URL could not be parsed");
    }
  }
  const q = s.indexOf("?");
  return new URLSearchParams(q === -1 ? s : s.slice(q + 1));
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1)
    throw new CallbackError("duplicate_parameter", `Callback has more than one "${name}" parameter`);
  return all[0];
}

/**
 * Validates a callback: the state first (constant time), then `error=`, then the code. An error
 * callback is believed only once its state is verified, so a forged one is a state mismatch.
 * Throws {@link AuthorizationResponseError} or {@link CallbackError}; never exchanges anything.
 */
export function validateCallback(
  input: string | URL | URLSearchParams,
  expectedState: string | undefined,
): ValidatedCallback {
  const params = paramsOf(input);
  const error = single(params, "error");
  const state = single(params, "state");
  const code = single(params, "code");
  const realmId = single(params, "realmId");
  if (expectedState === undefined || expectedState === "")
    throw new CallbackError(
      "no_expected_state",
      "No expected state: pass { expectedState } from the user's session",
    );
  if (state === undefined || state === "")
    throw new CallbackError("state_missing", "Callback has no state parameter");
  if (!safeEqual(state, expectedState))
    throw new CallbackError("state_mismatch", "Callback state does not match the expected state");
  if (error !== undefined) throw new AuthorizationResponseError(error, single(params, "error_description"));
  if (code === undefined || code === "")
    throw new CallbackError("code_missing", "Callback has no code parameter");
  // The realm goes into API paths and store keys; Intuit's are digits, so anything else is refused.
  if (realmId !== undefined && realmId !== "" && !isQuickBooksRealmId(realmId))
    throw new CallbackError("malformed", "Callback realmId is not a QuickBooks company id");
  const result: ValidatedCallback = Object.freeze({ code, state, realmId: realmId || undefined });
  validated.add(result);
  return result;
}
