// The front channel: state, nonce and PKCE generation, the authorization URL, and the callback
// validator. Only parameters produced by validateCallback can be exchanged (a WeakSet brand),
// so the state check cannot be skipped by accident.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { ConfigurationError, IntuitOAuthError } from "../http/errors.js";
import { formatScopes, type ScopeLike } from "./scopes.js";

/** Why a callback was rejected before any code was exchanged. */
export type CallbackErrorReason =
  | "state_missing"
  | "state_mismatch"
  | "state_reused"
  | "no_expected_state"
  | "code_missing"
  | "duplicate_parameter"
  | "realm_mismatch"
  | "malformed";

/** The callback URL failed validation; nothing was exchanged. */
export class CallbackError extends IntuitOAuthError {
  static override readonly code: string = "ERR_CALLBACK";
  /** Stable reason code. */
  readonly reason: CallbackErrorReason;
  constructor(reason: CallbackErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The authorization server redirected back with `error=…` (e.g. the user clicked Cancel). */
export class AuthorizationResponseError extends IntuitOAuthError {
  static override readonly code: string = "ERR_AUTHORIZATION_RESPONSE";
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

/** A fresh random value from the CSPRNG: 32 bytes (256 bits), base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** The S256 code challenge of a PKCE verifier (RFC 7636). */
export function codeChallengeS256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // spend comparable time
    return false;
  }
  return timingSafeEqual(x, y);
}

/** Options of {@link AuthClient.getAuthorizationUrl}. */
export interface AuthorizationUrlOptions {
  /** Use this state instead of a fresh random one. */
  state?: string;
  /** Put an OpenID nonce in the request (`true` generates one). Intuit does not document nonce. */
  nonce?: string | true;
  /** Opt in to PKCE S256 (not documented by Intuit; supported by the emulator). */
  pkce?: boolean;
  /** Extra query parameters, e.g. `{ prompt: "login" }`. They cannot override the core ones. */
  params?: Record<string, string>;
}

/** Everything a server must remember between redirect and callback. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce?: string | undefined;
  /** The PKCE verifier, when `pkce: true`; pass it to the callback. */
  codeVerifier?: string | undefined;
}

const CORE_PARAMS = new Set(["client_id", "response_type", "scope", "redirect_uri", "state"]);

export function buildAuthorizationRequest(
  endpoint: string,
  clientId: string,
  redirectUri: string,
  scopes: readonly ScopeLike[] | ScopeLike,
  options: AuthorizationUrlOptions = {},
): AuthorizationRequest {
  const scope = formatScopes(scopes);
  // An empty state would make every callback look "matching"; omit it to get a random one.
  if (options.state !== undefined && (typeof options.state !== "string" || options.state === ""))
    throw new ConfigurationError("state must be a non-empty string (omit it to get a random one)");
  const state = options.state ?? randomToken();
  const url = new URL(endpoint);
  const q = url.searchParams;
  // Python's order: client_id, response_type, scope, redirect_uri, state.
  q.set("client_id", clientId);
  q.set("response_type", "code");
  q.set("scope", scope);
  q.set("redirect_uri", redirectUri);
  q.set("state", state);
  const req: AuthorizationRequest = { url: "", state };
  if (options.nonce !== undefined) {
    req.nonce = options.nonce === true ? randomToken() : options.nonce;
    q.set("nonce", req.nonce);
  }
  if (options.pkce) {
    req.codeVerifier = randomToken();
    q.set("code_challenge", codeChallengeS256(req.codeVerifier));
    q.set("code_challenge_method", "S256");
  }
  for (const [k, v] of Object.entries(options.params ?? {})) {
    if (!CORE_PARAMS.has(k) && !q.has(k)) q.set(k, v);
  }
  req.url = url.href;
  return req;
}

/** Callback parameters that passed validation. Only these can be exchanged for tokens. */
export interface ValidatedCallback {
  readonly code: string;
  readonly state: string;
  readonly realmId: string | undefined;
}

const validated = new WeakSet<ValidatedCallback>();
const REALM_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
  // The realm goes into API paths and store keys; Intuit's are digits, so anything odd is refused.
  if (realmId !== undefined && realmId !== "" && !REALM_ID.test(realmId))
    throw new CallbackError("malformed", "Callback realmId is not a QuickBooks company id");
  const result: ValidatedCallback = Object.freeze({ code, state, realmId: realmId || undefined });
  validated.add(result);
  return result;
}
