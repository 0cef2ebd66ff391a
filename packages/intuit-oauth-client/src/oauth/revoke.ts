// Revoking a token at Intuit. Revoking either token of a grant disconnects the app.
import type { OAuthConfig } from "./config.js";
import { errorFromResponse } from "./token-response.js";

/**
 * Revokes `token`. Intuit answers an unknown or already-revoked token with HTTP 400 and an empty
 * body: that is an `AuthClientError` (statusCode 400), except after a retry, when it means
 * the lost first attempt did the revoking, and this resolves.
 *
 * @example
 * await revokeToken(config, token.refreshToken);
 */
export async function revokeToken(
  config: OAuthConfig,
  token: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<true> {
  const fields: Record<string, string> = { token };
  const json = config.revokeBodyFormat === "json";
  const headers: Record<string, string> = {
    "content-type": json ? "application/json" : "application/x-www-form-urlencoded",
  };
  config.auth.apply(headers, fields);
  const res = await config.http.send({
    method: "POST",
    url: config.endpoints.revocationEndpoint,
    headers,
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
    idempotent: true,
    signal: options.signal,
  });
  const alreadyRevoked = res.status === 400 && res.body.length === 0 && res.attempts > 1;
  if ((res.status < 200 || res.status >= 300) && !alreadyRevoked)
    throw errorFromResponse(res, undefined, [token, ...config.auth.secretValues()]);
  return true;
}
