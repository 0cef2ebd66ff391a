// Errors of the token manager. Each has a stable code and carries the realm it concerns.
import { IntuitOAuthError } from "../common/errors.js";
import type { ReauthorizationReason } from "./store.js";

/** No tokens are stored for the realm: connect it first. */
export class TokenNotFoundError extends IntuitOAuthError {
  static override readonly code = "ERR_TOKEN_NOT_FOUND";
  declare readonly code: "ERR_TOKEN_NOT_FOUND";
  readonly realmId: string;
  constructor(realmId: string) {
    super(`No tokens are stored for realm ${realmId}; connect the company first`);
    this.realmId = realmId;
  }
}

/**
 * The realm's grant is gone (`invalid_grant`, or its refresh token expired): the user must connect
 * again (`mustReconnect(e)` is true for it). No refresh is attempted for it until TokenManager.save
 * stores a new grant.
 */
export class ReauthorizationRequiredError extends IntuitOAuthError {
  static override readonly code = "ERR_REAUTHORIZATION_REQUIRED";
  declare readonly code: "ERR_REAUTHORIZATION_REQUIRED";
  readonly realmId: string;
  readonly reason: ReauthorizationReason;
  /** When the problem was first detected (epoch ms). */
  readonly since: number;
  constructor(realmId: string, reason: ReauthorizationReason, since: number, options?: { cause?: unknown }) {
    super(`Realm ${realmId} must be reconnected (${reason})`, options);
    this.realmId = realmId;
    this.reason = reason;
    this.since = since;
  }
}

/** Another process held the realm's refresh lock for longer than the wait allowed. */
export class LockTimeoutError extends IntuitOAuthError {
  static override readonly code = "ERR_LOCK_TIMEOUT";
  declare readonly code: "ERR_LOCK_TIMEOUT";
  readonly realmId: string;
  constructor(realmId: string, waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for the refresh lock of realm ${realmId}`);
    this.realmId = realmId;
  }
}

/**
 * A grant's realm was not proven (it came only from the callback URL, which the user can edit, or
 * the token set names no realm at all), so it was not stored. Request the `openid` scope, or pass
 * `verifyRealm: true` to handleCallback, or, knowing the risk,
 * `save(realmId, token, { allowUnverifiedRealm: true })`.
 */
export class UnverifiedRealmError extends IntuitOAuthError {
  static override readonly code = "ERR_UNVERIFIED_REALM";
  declare readonly code: "ERR_UNVERIFIED_REALM";
  readonly realmId: string;
  /** `unproven`: the token set names a realm nothing proved; `unknown`: it names no realm. */
  readonly reason: "unproven" | "unknown";
  constructor(realmId: string, reason: "unproven" | "unknown" = "unproven") {
    super(
      reason === "unknown"
        ? `The grant was not stored under realm ${realmId}: the token set names no realm (no realmId ` +
            "in the callback, no ID token realmid), so it could be any company's grant. Request the " +
            "openid scope, or keep the callback's realmId and pass verifyRealm: true to handleCallback."
        : `The grant for realm ${realmId} was not stored: its realm is unverified (no ID token realmid ` +
            "and no CompanyInfo check). Request the openid scope or pass verifyRealm: true to handleCallback.",
    );
    this.realmId = realmId;
    this.reason = reason;
  }
}

/** A token set was saved under a realm other than the one it was granted for. Nothing was stored. */
export class RealmMismatchError extends IntuitOAuthError {
  static override readonly code = "ERR_REALM_MISMATCH";
  declare readonly code: "ERR_REALM_MISMATCH";
  /** The realm it was to be saved under. */
  readonly realmId: string;
  /** The realm the token set is for. */
  readonly tokenRealmId: string;
  constructor(realmId: string, tokenRealmId: string) {
    super(`A token set for realm ${tokenRealmId} cannot be saved under realm ${realmId}`);
    this.realmId = realmId;
    this.tokenRealmId = tokenRealmId;
  }
}
