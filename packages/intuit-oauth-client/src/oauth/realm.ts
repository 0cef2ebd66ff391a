// Proving a callback's realmId without an ID token: one CompanyInfo call with the new access
// token. Intuit binds an access token to one company and refuses it for any other (401, an XML
// AuthenticationFault code 100), so a 200 with CompanyInfo proves the realm.
import { ConfigurationError } from "../common/errors.js";
import { CallbackError } from "./callback.js";
import type { OAuthConfig } from "./config.js";
import { readJsonObject } from "./token-response.js";

/**
 * Resolves when `accessToken` is a token of `realmId`; a refusal is a CallbackError `realm_mismatch`.
 *
 * @example
 * await proveRealm(config, token.accessToken, realmId); // then the realm is proven
 */
export async function proveRealm(
  config: OAuthConfig,
  accessToken: string,
  realmId: string,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const base = config.endpoints.apiBaseUrl;
  if (!base)
    throw new ConfigurationError("verifyRealm needs the environment's QuickBooks API base URL (apiBaseUrl)");
  const realm = encodeURIComponent(realmId);
  const res = await config.http.send({
    method: "GET",
    url: `${base.replace(/\/+$/, "")}/v3/company/${realm}/companyinfo/${realm}?minorversion=75`,
    headers: { authorization: `Bearer ${accessToken}` },
    idempotent: true,
    signal: options.signal,
  });
  if (res.status === 401 || res.status === 403)
    throw new CallbackError(
      "realm_mismatch",
      `The callback's realmId is not the company this grant is for (CompanyInfo answered HTTP ${res.status})`,
    );
  const body = readJsonObject(res, [accessToken]);
  if (typeof body["CompanyInfo"] !== "object" || body["CompanyInfo"] === null)
    throw new CallbackError("realm_mismatch", "CompanyInfo did not confirm the callback's realmId");
}
