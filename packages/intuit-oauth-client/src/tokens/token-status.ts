// What state a stored grant is in, computed from the record and the clock. Pure; no I/O.
import { copyTokenSet, type TokenSet } from "../oauth/token-set.js";
import type { ReauthorizationReason, TokenRecord } from "./store.js";

/** `valid`, `needs-refresh` (access token expires within the margin), or `reauthorization-required`. */
export type TokenStatus = "valid" | "needs-refresh" | "reauthorization-required";

/** A stored grant and what can be done with it. */
export interface TokenInfo {
  realmId: string;
  token: TokenSet;
  status: TokenStatus;
  /** Set when status is `reauthorization-required`. */
  reason?: ReauthorizationReason | undefined;
  /** OAuth error that caused it, when there was one (e.g. `invalid_grant`). */
  error?: string | undefined;
  /** When reauthorization became required (epoch ms). */
  since?: number | undefined;
  updatedAt: number;
}

/** Why the record can no longer be refreshed, or undefined. */
export function deadReason(
  record: TokenRecord,
  now: number,
): { reason: ReauthorizationReason; since: number } | undefined {
  if (record.reauthorization)
    return { reason: record.reauthorization.reason, since: record.reauthorization.at };
  const t = record.token;
  if (t.refreshTokenHardExpiresAt !== undefined && t.refreshTokenHardExpiresAt <= now)
    return { reason: "refresh_token_hard_expired", since: t.refreshTokenHardExpiresAt };
  if (t.refreshTokenExpiresAt <= now)
    return { reason: "refresh_token_expired", since: t.refreshTokenExpiresAt };
  return undefined;
}

export function tokenInfo(record: TokenRecord, now: number, marginMs: number): TokenInfo {
  const dead = deadReason(record, now);
  const info: TokenInfo = {
    realmId: record.realmId,
    token: copyTokenSet(record.token),
    status: dead
      ? "reauthorization-required"
      : record.token.accessTokenExpiresAt - marginMs <= now
        ? "needs-refresh"
        : "valid",
    updatedAt: record.updatedAt,
  };
  if (dead) {
    info.reason = dead.reason;
    info.since = dead.since;
    if (record.reauthorization?.error) info.error = record.reauthorization.error;
  }
  return info;
}
