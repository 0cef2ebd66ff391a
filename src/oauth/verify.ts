// Verifies an ID token for a client: its issuer, its client id, its JWKS cache and clock. A thin
// join of config and id-token.ts, so callers never pass five arguments.
import type { OAuthConfig } from "./config.js";
import { verifyIdToken, type IdTokenClaims } from "./id-token.js";

/** Verifies `token` as an ID token issued to this client; `nonce` is the one its request sent. */
export function verifyClientIdToken(
  config: OAuthConfig,
  token: string,
  nonce: string | undefined,
  clockToleranceSeconds = config.clockToleranceSeconds,
): Promise<IdTokenClaims> {
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
      nonce,
      clockToleranceSeconds,
      now: config.clock(),
    },
  );
}
