// OAuth 1.0a HMAC-SHA1 request signing (RFC 5849), used only by the legacy migrate call.
// Tested against the RFC's own published example (§1.2 / §3.4).
import { toBase64, utf8 } from "../common/bytes.js";
import { hmacSha1 } from "../crypto/digest.js";
import { randomBytes } from "../crypto/random.js";

/** RFC 3986 percent-encoding as RFC 5849 §3.6 requires (unreserved characters kept). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Credentials and request parts needed to sign. */
export interface OAuth1SignInput {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  token?: string | undefined;
  tokenSecret?: string | undefined;
  /** Extra parameters that are part of the signature (query and form parameters). */
  params?: ReadonlyArray<[string, string]>;
  nonce?: string;
  timestamp?: string;
  /** Extra oauth_* protocol parameters, e.g. `oauth_callback`, `oauth_verifier`. */
  oauthParams?: Record<string, string>;
}

/** The RFC 5849 §3.4.1 signature base string. */
export function signatureBaseString(
  method: string,
  url: string,
  params: ReadonlyArray<[string, string]>,
): string {
  const u = new URL(url);
  const defaultPort =
    (u.protocol === "http:" && u.port === "80") || (u.protocol === "https:" && u.port === "443");
  const base = `${u.protocol}//${u.hostname.toLowerCase()}${u.port && !defaultPort ? `:${u.port}` : ""}${u.pathname}`;
  const all: Array<[string, string]> = [...params];
  for (const [k, v] of u.searchParams) all.push([k, v]);
  const normalized = all
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  return [method.toUpperCase(), percentEncode(base), percentEncode(normalized)].join("&");
}

/** HMAC-SHA1 signature of a base string, base64. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ""): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return toBase64(hmacSha1(utf8(key), utf8(baseString)));
}

/** Builds the `Authorization: OAuth …` header value for a request. */
export function oauth1AuthorizationHeader(input: OAuth1SignInput): string {
  const oauth: Record<string, string> = {
    oauth_consumer_key: input.consumerKey,
    oauth_nonce: input.nonce ?? [...randomBytes(16)].map((b) => b.toString(16).padStart(2, "0")).join(""),
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: input.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_version: "1.0",
    ...input.oauthParams,
  };
  if (input.token !== undefined) oauth["oauth_token"] = input.token;
  const base = signatureBaseString(input.method, input.url, [
    ...Object.entries(oauth),
    ...(input.params ?? []),
  ]);
  oauth["oauth_signature"] = hmacSha1Signature(base, input.consumerSecret, input.tokenSecret);
  return (
    "OAuth " +
    Object.keys(oauth)
      .sort()
      .map((k) => `${percentEncode(k)}="${percentEncode(oauth[k] as string)}"`)
      .join(", ")
  );
}
