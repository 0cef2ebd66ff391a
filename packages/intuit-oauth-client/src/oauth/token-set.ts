// The token set: Intuit's token response plus absolute expiry times, and its JSON round trip.
// Reading back is tolerant of numeric strings (databases hand BIGINTs back as strings) but
// strict about anything else, so a corrupt record is an error, never a token that looks valid.
import { applyInspectionHooks, inspectionHooks, NODE_INSPECT } from "../common/inspect.js";
import { IntuitOAuthError } from "../common/errors.js";

/** Bearer tokens for one grant, with absolute expiry times in epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** `bearer` as Intuit sends it. */
  tokenType: string;
  /** Seconds the access token was valid for when received (Intuit: 3600). */
  expiresIn: number;
  /** Seconds left in the rolling refresh window when received. */
  xRefreshTokenExpiresIn: number;
  /** Seconds left to the five-year cap, when requested with `includeRefreshTokenHardExpiresIn`. */
  xRefreshTokenHardExpiresIn?: number | undefined;
  /** The OpenID id token, when the `openid` scope was granted. */
  idToken?: string | undefined;
  /** The QuickBooks company id, when known. */
  realmId?: string | undefined;
  /**
   * Whether {@link realmId} is proven to be the grant's company: `true` when it came from the
   * verified ID token's `realmid` claim, a CompanyInfo call with this token, or Intuit's own
   * answer (migration), and on a refresh of a grant that was proven; `false` after a code exchange
   * that proved nothing (the realm came only from the callback URL, which the user can edit, or
   * there is none). Absent where the caller supplied the realm (a refresh with a given refresh
   * token). `TokenManager.save` accepts only `true`, unless told otherwise.
   */
  realmIdVerified?: boolean | undefined;
  /** When the access token expires (epoch ms). */
  accessTokenExpiresAt: number;
  /** When the refresh token's rolling window ends (epoch ms). */
  refreshTokenExpiresAt: number;
  /** When the refresh token hits its five-year cap (epoch ms), when known. */
  refreshTokenHardExpiresAt?: number | undefined;
  /** When this set was received (epoch ms). */
  receivedAt: number;
  /** `intuit_tid` of the response that issued it. */
  intuitTid?: string | undefined;
}

/** A stored token set could not be read back. */
export class TokenSetFormatError extends IntuitOAuthError {
  static override readonly code = "ERR_TOKEN_SET_FORMAT";
  declare readonly code: "ERR_TOKEN_SET_FORMAT";
}

const MAX_SECONDS = 1e10;
/** The largest time a Date can hold, in epoch ms. */
const MAX_EPOCH_MS = 8.64e15;
// Intuit documents a 100-day rolling window; used only when a response omits the field.
const DEFAULT_REFRESH_WINDOW_S = 8_726_400;

/** Reads a non-negative finite number, accepting a numeric string. */
export function toNumber(
  value: unknown,
  field: string,
  Err: new (message: string) => IntuitOAuthError = TokenSetFormatError,
): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(n) || n < 0) throw new Err(`${field} must be a non-negative number`);
  return n;
}

function optionalNumber(
  value: unknown,
  field: string,
  Err: new (message: string) => IntuitOAuthError,
): number | undefined {
  return value === undefined || value === null ? undefined : toNumber(value, field, Err);
}

function requiredString(
  value: unknown,
  field: string,
  Err: new (message: string) => IntuitOAuthError,
): string {
  if (typeof value !== "string" || value === "") throw new Err(`${field} must be a non-empty string`);
  return value;
}

function optionalString(
  value: unknown,
  field: string,
  Err: new (message: string) => IntuitOAuthError,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Err(`${field} must be a string`);
  return value;
}

/** What the token endpoint said, already known to be a JSON object with an access token. */
export interface TokenResponseFields {
  body: Record<string, unknown>;
  receivedAt: number;
  intuitTid?: string | undefined;
  realmId?: string | undefined;
  /** Values to keep when the response omits them (refresh may omit `id_token`). */
  previous?: Partial<Pick<TokenSet, "refreshToken" | "idToken" | "realmId">> | undefined;
}

/**
 * Builds a token set from a token endpoint response body. Throws `Err` (a typed error) when a
 * field has the wrong type; the caller supplies the HTTP-aware error class.
 */
export function tokenSetFromResponse(
  r: TokenResponseFields,
  Err: new (message: string) => IntuitOAuthError = TokenSetFormatError,
): TokenSet {
  const b = r.body;
  const expiresIn = toNumber(b["expires_in"] ?? 3600, "expires_in", Err);
  if (expiresIn <= 0) throw new Err("expires_in must be greater than 0");
  const tokenType = optionalString(b["token_type"], "token_type", Err) ?? "bearer";
  // RFC 6750 bearer, in any case: anything else would need a different way of presenting it.
  if (tokenType.toLowerCase() !== "bearer")
    throw new Err(`token_type must be bearer, not ${JSON.stringify(tokenType.slice(0, 32))}`);
  const refreshExpiresIn = toNumber(
    b["x_refresh_token_expires_in"] ?? DEFAULT_REFRESH_WINDOW_S,
    "x_refresh_token_expires_in",
    Err,
  );
  const hard = optionalNumber(b["x_refresh_token_hard_expires_in"], "x_refresh_token_hard_expires_in", Err);
  if (expiresIn > MAX_SECONDS || refreshExpiresIn > MAX_SECONDS || (hard ?? 0) > MAX_SECONDS)
    throw new Err("token lifetimes are out of range");
  const refreshToken = optionalString(b["refresh_token"], "refresh_token", Err) || r.previous?.refreshToken;
  const set: TokenSet = {
    accessToken: requiredString(b["access_token"], "access_token", Err),
    refreshToken: requiredString(refreshToken, "refresh_token", Err),
    tokenType,
    expiresIn,
    xRefreshTokenExpiresIn: refreshExpiresIn,
    accessTokenExpiresAt: r.receivedAt + expiresIn * 1000,
    refreshTokenExpiresAt: r.receivedAt + refreshExpiresIn * 1000,
    receivedAt: r.receivedAt,
  };
  const idToken = optionalString(b["id_token"], "id_token", Err) ?? r.previous?.idToken;
  if (idToken) set.idToken = idToken;
  if (hard !== undefined) {
    set.xRefreshTokenHardExpiresIn = hard;
    set.refreshTokenHardExpiresAt = r.receivedAt + hard * 1000;
  }
  // Only the migrate answer names the realm itself: Intuit's own word, so it is verified.
  const answered = optionalString(b["realmId"], "realmId", Err);
  const realmId = answered ?? r.realmId ?? r.previous?.realmId;
  if (realmId) set.realmId = realmId;
  if (answered) set.realmIdVerified = true;
  if (r.intuitTid) set.intuitTid = r.intuitTid;
  return set;
}

/**
 * Reads a token set back from JSON (a string or a parsed object), as written by `JSON.stringify`.
 * Numbers may arrive as numeric strings. Anything else malformed throws {@link TokenSetFormatError}.
 * The result prints redacted.
 */
export function tokenSetFromJSON(json: unknown): TokenSet {
  return parseTokenSet(json);
}

/** {@link tokenSetFromJSON} for the stores' read path: the result is {@link copyTokenSet}'s shape. */
export function parseTokenSet(json: unknown): TokenSet {
  let v = json;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      throw new TokenSetFormatError("token set is not valid JSON");
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new TokenSetFormatError("token set must be an object");
  const o = v as Record<string, unknown>;
  const E = TokenSetFormatError;
  const set: TokenSet = {
    accessToken: requiredString(o["accessToken"], "accessToken", E),
    refreshToken: requiredString(o["refreshToken"], "refreshToken", E),
    tokenType: optionalString(o["tokenType"], "tokenType", E) ?? "bearer",
    expiresIn: toNumber(o["expiresIn"], "expiresIn", E),
    xRefreshTokenExpiresIn: toNumber(o["xRefreshTokenExpiresIn"], "xRefreshTokenExpiresIn", E),
    accessTokenExpiresAt: toNumber(o["accessTokenExpiresAt"], "accessTokenExpiresAt", E),
    refreshTokenExpiresAt: toNumber(o["refreshTokenExpiresAt"], "refreshTokenExpiresAt", E),
    receivedAt: toNumber(o["receivedAt"], "receivedAt", E),
  };
  const hardIn = optionalNumber(o["xRefreshTokenHardExpiresIn"], "xRefreshTokenHardExpiresIn", E);
  if (hardIn !== undefined) set.xRefreshTokenHardExpiresIn = hardIn;
  const hardAt = optionalNumber(o["refreshTokenHardExpiresAt"], "refreshTokenHardExpiresAt", E);
  if (hardAt !== undefined) set.refreshTokenHardExpiresAt = hardAt;
  const idToken = optionalString(o["idToken"], "idToken", E);
  if (idToken) set.idToken = idToken;
  const realmId = optionalString(o["realmId"], "realmId", E);
  if (realmId) set.realmId = realmId;
  const verified = o["realmIdVerified"];
  if (typeof verified === "boolean") set.realmIdVerified = verified;
  else if (verified !== undefined && verified !== null) throw new E("realmIdVerified must be a boolean");
  const tid = optionalString(o["intuitTid"], "intuitTid", E);
  if (tid) set.intuitTid = tid;
  // A corrupt record must not pass for a token that never expires.
  const seconds = [set.expiresIn, set.xRefreshTokenExpiresIn, set.xRefreshTokenHardExpiresIn ?? 0];
  const times = [set.accessTokenExpiresAt, set.refreshTokenExpiresAt, set.refreshTokenHardExpiresAt ?? 0];
  if (seconds.some((n) => n > MAX_SECONDS) || [...times, set.receivedAt].some((n) => n > MAX_EPOCH_MS))
    throw new TokenSetFormatError("token set lifetimes or expiry times are out of range");
  return copyTokenSet(set);
}

/**
 * A fresh token set with the fields of `set`, printed redacted. Every token set a store holds or
 * returns, and every one TokenManager hands out, is built here: the same fields in the same order,
 * then the same shared hooks, so they all share a few hidden classes and getAccessToken's hot path
 * stays monomorphic, whichever store and whatever refreshed them.
 */
export function copyTokenSet(set: TokenSet): TokenSet {
  const copy: TokenSet = {
    accessToken: set.accessToken,
    refreshToken: set.refreshToken,
    tokenType: set.tokenType,
    expiresIn: set.expiresIn,
    xRefreshTokenExpiresIn: set.xRefreshTokenExpiresIn,
    accessTokenExpiresAt: set.accessTokenExpiresAt,
    refreshTokenExpiresAt: set.refreshTokenExpiresAt,
    receivedAt: set.receivedAt,
  };
  if (set.xRefreshTokenHardExpiresIn !== undefined)
    copy.xRefreshTokenHardExpiresIn = set.xRefreshTokenHardExpiresIn;
  if (set.refreshTokenHardExpiresAt !== undefined)
    copy.refreshTokenHardExpiresAt = set.refreshTokenHardExpiresAt;
  if (set.idToken !== undefined) copy.idToken = set.idToken;
  if (set.realmId !== undefined) copy.realmId = set.realmId;
  if (set.realmIdVerified !== undefined) copy.realmIdVerified = set.realmIdVerified;
  if (set.intuitTid !== undefined) copy.intuitTid = set.intuitTid;
  return applyInspectionHooks(copy, TOKEN_SET_HOOKS);
}

/** True when the access token expires within `marginMs` of `now`. */
export function isAccessTokenExpired(set: TokenSet, now = Date.now(), marginMs = 0): boolean {
  return set.accessTokenExpiresAt - marginMs <= now;
}

/** True when the refresh token can no longer be used (rolling window or five-year cap passed). */
export function isRefreshTokenExpired(set: TokenSet, now = Date.now()): boolean {
  return (
    set.refreshTokenExpiresAt <= now ||
    (set.refreshTokenHardExpiresAt !== undefined && set.refreshTokenHardExpiresAt <= now)
  );
}

const REDACTED = "[redacted]";

// One pair of hooks for every token set (see copyTokenSet): what console.log and inspect show.
// spread-ok: only when a token set is printed
const TOKEN_SET_HOOKS = inspectionHooks<TokenSet>("TokenSet", (set) => ({
  ...set,
  accessToken: REDACTED,
  refreshToken: REDACTED,
  ...(set.idToken !== undefined ? { idToken: REDACTED } : {}),
}));

/**
 * Makes `console.log(set)`, `util.inspect` and Deno's console print the token set with its tokens
 * redacted. JSON.stringify and spreads still carry every field (it is the storage form, and
 * tokenSetFromJSON reads it back); the hook is not copied. A set that has the hooks is returned as is.
 */
export function redactTokenSet<T extends TokenSet>(set: T): T {
  if (Object.prototype.hasOwnProperty.call(set, NODE_INSPECT)) return set;
  return applyInspectionHooks(set, TOKEN_SET_HOOKS);
}
