// OAuth 1.0a HMAC-SHA1 request verification (RFC 5849 §3.4), used by the migrate endpoint only.
import { createHmac, timingSafeEqual } from "node:crypto";

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires. */
export function oauthPercentEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Parameters of an `Authorization: OAuth k="v", …` header (decoded), or undefined if it is not one. */
export function parseOAuthHeader(authorization: string | undefined): Map<string, string> | undefined {
  const m = /^OAuth\s+(.*)$/is.exec(authorization ?? "");
  if (!m?.[1]) return undefined;
  const params = new Map<string, string>();
  // A name starts only where no name character precedes it, so a long run is tried once, not once
  // per character (which would be quadratic).
  const re = /(?<![A-Za-z0-9_%.~-])([A-Za-z0-9_%.~-]+)\s*=\s*"([^"]*)"/g;
  for (const part of m[1].matchAll(re)) {
    const [, key, value] = part;
    if (key !== undefined && value !== undefined) params.set(percentDecode(key), percentDecode(value));
  }
  return params;
}

/** The RFC 5849 signature base string: method, base string URI, normalized parameters. */
export function signatureBaseString(
  method: string,
  baseUri: string,
  params: Array<[string, string]>,
): string {
  const normalized = params
    .map(([k, v]) => [oauthPercentEncode(k), oauthPercentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return [method.toUpperCase(), oauthPercentEncode(baseUri), oauthPercentEncode(normalized)].join("&");
}

/** HMAC-SHA1 signature, base64. */
export function hmacSha1Signature(base: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${oauthPercentEncode(consumerSecret)}&${oauthPercentEncode(tokenSecret)}`;
  return createHmac("sha1", key).update(base).digest("base64");
}

/** Look-up of the secrets for a consumer key and token; undefined when unknown. */
export type OAuth1SecretLookup = (
  consumerKey: string,
  token: string,
) => { consumerSecret: string; tokenSecret: string } | undefined;

/**
 * Verify a request signed with HMAC-SHA1. `baseUri` is scheme://host/path (no query); `query` holds the
 * request's query parameters, which RFC 5849 signs too. Returns the oauth params when valid.
 */
export function verifyOAuth1(
  authorization: string | undefined,
  method: string,
  baseUri: string,
  query: URLSearchParams,
  lookup: OAuth1SecretLookup,
): Map<string, string> | undefined {
  const oauth = parseOAuthHeader(authorization);
  if (!oauth) return undefined;
  const consumerKey = oauth.get("oauth_consumer_key");
  const token = oauth.get("oauth_token");
  const signature = oauth.get("oauth_signature");
  if (!consumerKey || !token || !signature) return undefined;
  if (oauth.get("oauth_signature_method") !== "HMAC-SHA1") return undefined;
  if (!oauth.get("oauth_timestamp") || !oauth.get("oauth_nonce")) return undefined;
  const version = oauth.get("oauth_version");
  if (version !== undefined && version !== "1.0") return undefined;
  const secrets = lookup(consumerKey, token);
  if (!secrets) return undefined;
  const params: Array<[string, string]> = [...query];
  for (const [k, v] of oauth) if (k !== "oauth_signature" && k !== "realm") params.push([k, v]);
  const expected = hmacSha1Signature(
    signatureBaseString(method, baseUri, params),
    secrets.consumerSecret,
    secrets.tokenSecret,
  );
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b) ? oauth : undefined;
}
