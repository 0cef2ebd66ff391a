// Sample token records for store tests: one with every optional field set, one with only the
// required fields. Plain data; nothing here talks to a store.
import type { TokenRecord } from "../tokens/store.js";

const HOUR = 3_600_000;

/** A full record: every optional field set, so a round trip proves nothing is dropped. */
export function fullRecord(realmId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  const at = 1_760_000_000_000;
  return {
    realmId,
    token: {
      accessToken: `access-${realmId}`,
      refreshToken: `refresh-${realmId}`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8_726_400,
      xRefreshTokenHardExpiresIn: 157_680_000,
      idToken: `id.${realmId}.sig`,
      realmId,
      accessTokenExpiresAt: at + HOUR,
      refreshTokenExpiresAt: at + 8_726_400_000,
      refreshTokenHardExpiresAt: at + 157_680_000_000,
      receivedAt: at,
      intuitTid: "1-abc-tid",
    },
    reauthorization: {
      reason: "refresh_token_hard_expired",
      error: "invalid_grant",
      errorDescription: "Token expired",
      intuitTid: "1-def-tid",
      at: at + 5,
    },
    warningsSent: [30, 7],
    updatedAt: at + 10,
    ...overrides,
  };
}

/** A record with only the required fields. */
export function minimalRecord(realmId: string, accessToken = `access-${realmId}`): TokenRecord {
  return {
    realmId,
    token: {
      accessToken,
      refreshToken: `refresh-${realmId}`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8_726_400,
      accessTokenExpiresAt: 1_760_000_000_000 + HOUR,
      refreshTokenExpiresAt: 1_760_008_726_400_000,
      receivedAt: 1_760_000_000_000,
    },
    updatedAt: 1_760_000_000_000,
  };
}
