// Intuit's userinfo response, typed. Keys are Intuit's camelCase; `*Verified` arrive as booleans
// or strings depending on the service, so they are normalised to booleans.
import type { OAuthConfig } from "./config.js";
import { readJsonObject } from "./token-response.js";
import { IntuitOAuthError } from "../common/errors.js";

/** A postal address from the `address` scope. */
export interface UserAddress {
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/** Claims about the signed-in user, present according to the scopes granted. */
export interface UserInfo {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  givenName?: string;
  familyName?: string;
  phoneNumber?: string;
  phoneNumberVerified?: boolean;
  address?: UserAddress;
  /** Any other field Intuit sent, untouched. */
  [claim: string]: unknown;
}

/** The userinfo body was not the expected JSON object. */
export class UserInfoFormatError extends IntuitOAuthError {
  static override readonly code = "ERR_USERINFO_FORMAT";
  declare readonly code: "ERR_USERINFO_FORMAT";
}

function toBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

export function parseUserInfo(body: unknown): UserInfo {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new UserInfoFormatError("userinfo is not a JSON object");
  const b = body as Record<string, unknown>;
  if (typeof b["sub"] !== "string") throw new UserInfoFormatError("userinfo has no sub");
  const info: UserInfo = { ...b, sub: b["sub"] };
  for (const k of ["emailVerified", "phoneNumberVerified"] as const) {
    if (k in b) {
      const v = toBool(b[k]);
      if (v === undefined) delete info[k];
      else info[k] = v;
    }
  }
  return info;
}

/**
 * Fetches the user's profile with an access token. Its `sub` must equal `expectedSubject` (the ID
 * token's) when that is known: otherwise a UserInfoFormatError.
 */
export async function fetchUserInfo(
  config: OAuthConfig,
  accessToken: string,
  options: { expectedSubject?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<UserInfo> {
  const res = await config.http.send({
    method: "GET",
    url: config.endpoints.userinfoEndpoint,
    headers: { authorization: `Bearer ${accessToken}` },
    idempotent: true,
    signal: options.signal,
  });
  const info = parseUserInfo(readJsonObject(res, [accessToken]));
  if (options.expectedSubject !== undefined && info.sub !== options.expectedSubject)
    throw new UserInfoFormatError("userinfo sub does not match the ID token's sub");
  return info;
}
