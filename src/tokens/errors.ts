// Errors of the token manager. Each has a stable code and carries the realm it concerns.
import { IntuitOAuthError } from "../http/errors.js";
import type { ReauthorizationReason } from "./store.js";

/** No tokens are stored for the realm: connect it first. */
export class TokenNotFoundError extends IntuitOAuthError {
  static override readonly code: string = "ERR_TOKEN_NOT_FOUND";
  readonly realmId: string;
  constructor(realmId: string) {
    super(`No tokens are stored for realm ${realmId}; connect the company first`);
    this.realmId = realmId;
  }
}

/**
 * The realm's grant is gone (`invalid_grant`, or its refresh token expired): the user must connect
 * again. No refresh is attempted for it until TokenManager.save stores a new grant.
 */
export class ReauthorizationRequiredError extends IntuitOAuthError {
  static override readonly code: string = "ERR_REAUTHORIZATION_REQUIRED";
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
  static override readonly code: string = "ERR_LOCK_TIMEOUT";
  readonly realmId: string;
  constructor(realmId: string, waitedMs: number) {
    super(`Timed out after ${waitedMs} ms waiting for the refresh lock of realm ${realmId}`);
    this.realmId = realmId;
  }
}
