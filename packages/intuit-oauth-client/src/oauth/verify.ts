// Verifies an ID token for a client: its issuer, its client id, its JWKS cache and clock. A thin
// join of config and id-token.ts, so callers never pass five arguments.
import { nonNegativeSeconds } from "../common/options.js";
import type { OAuthConfig } from "./config.js";
import { verifyIdToken, type IdTokenClaims } from "./id-token.js";

/** Options of {@link verifyClientIdToken}. */
export interface VerifyIdTokenOptions {
  /** The nonce this user's authorization request sent, if any. */
  nonce?: string | undefined;
  /** Clock skew tolerated in `exp` and `iat`, in seconds. Default: the config's. */
  clockToleranceSeconds?: number | undefined;
}

/**
 * Verifies `token` as an ID token issued to this config's client: RS256 with a key from the
 * config's JWKS cache, issuer, audience, azp, expiry and nonce.
 *
 * @example
 * const claims = await verifyClientIdToken(config, token.idToken, { nonce: session.nonce });
 */
export function verifyClientIdToken(
  config: OAuthConfig,
  token: string,
  options: VerifyIdTokenOptions = {},
): Promise<IdTokenClaims> {
  // Not an async function: with a warm JWKS this is a hot path, and one promise is enough.
  let clockToleranceSeconds: number;
  try {
    clockToleranceSeconds = nonNegativeSeconds(
      "clockToleranceSeconds",
      options.clockToleranceSeconds,
      config.clockToleranceSeconds,
    );
  } catch (err) {
    return Promise.reject(err);
  }
  return verifyIdToken(
    token,
    {
      jwksUri: config.endpoints.jwksUri,
      cache: config.jwksCache,
      http: config.http,
      options: config.jwksOptions,
    },
    {
      issuer: config.endpoints.issuer,
      clientId: config.clientId,
      nonce: options.nonce,
      clockToleranceSeconds,
      now: config.clock(),
    },
  );
}
