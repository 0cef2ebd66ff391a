// OpenID id_token verification: RS256 only, key by `kid` from the cached JWKS, strict base64url,
// exact issuer, audience (string or array), azp, time claims with tolerance, optional nonce.
// With a warm JWKS the cost is one verify with a cached key plus a few JSON.parse calls.
import { fromBase64Url, fromUtf8, utf8 } from "../common/bytes.js";
import { IntuitOAuthError } from "../common/errors.js";
import { safeEqual } from "../crypto/compare.js";
import { verifyRs256, verifyRs256Now } from "../crypto/rsa.js";
import type { HttpClient } from "../http/request.js";
import { DEFAULT_JWKS_OPTIONS, type JwksCache, type JwksCacheOptions } from "./jwks.js";

/** Stable reasons an id token is rejected. */
export type IdTokenErrorReason =
  | "alg"
  | "kid"
  | "signature"
  | "issuer"
  | "audience"
  | "azp"
  | "expired"
  | "not_yet_valid"
  | "nonce"
  | "malformed";

/** The id token failed verification. `reason` says which check. */
export class IdTokenError extends IntuitOAuthError {
  static override readonly code = "ERR_ID_TOKEN";
  declare readonly code: "ERR_ID_TOKEN";
  readonly reason: IdTokenErrorReason;
  constructor(reason: IdTokenErrorReason, message: string) {
    super(`Invalid id_token (${reason}): ${message}`);
    this.reason = reason;
  }
}

/** Verified claims of an Intuit id token. */
export interface IdTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  auth_time?: number;
  /** The QuickBooks company id (lower-case claim name, string value). */
  realmid?: string;
  nonce?: string;
  azp?: string;
  [claim: string]: unknown;
}

/** What a token must match. */
export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  /**
   * The nonce sent with the authorization request. A token carrying another nonce is refused, and
   * so is one carrying a nonce when none was sent; a token without one is accepted (Intuit does not echo it).
   */
  nonce?: string | undefined;
  /** Seconds of clock skew tolerated. Default 30. */
  clockToleranceSeconds?: number;
  /** Current time in ms (injectable for tests). */
  now?: number;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Canonical only: unused low bits set in the last character would give a second spelling of the
 * same bytes (decoders ignore them), so one signature could be presented two ways. Decided on the
 * last character alone (2 or 4 unused bits), not by encoding the bytes again.
 */
function canonicalTail(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(segment[segment.length - 1] as string);
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

function decodeSegment(segment: string, what: string, alphabetChecked = false): Uint8Array {
  if ((!alphabetChecked && !B64URL.test(segment)) || segment.length % 4 === 1)
    throw new IdTokenError("malformed", `${what} is not base64url`);
  if (!canonicalTail(segment)) throw new IdTokenError("malformed", `${what} is not canonical base64url`);
  return fromBase64Url(segment);
}

function decodeJson(segment: string, what: string, alphabetChecked = false): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(decodeSegment(segment, what, alphabetChecked)));
  } catch (err) {
    if (err instanceof IdTokenError) throw err;
    throw new IdTokenError("malformed", `${what} is not JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new IdTokenError("malformed", `${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function numericClaim(claims: Record<string, unknown>, name: string, required: boolean): number | undefined {
  const v = claims[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new IdTokenError("malformed", `claim ${name} must be a number`);
  return v;
}

/** Checks the claims of a decoded payload. Exported for the benchmark's "limit" baseline. */
export function checkClaims(claims: Record<string, unknown>, expected: IdTokenExpectations): IdTokenClaims {
  const now = (expected.now ?? Date.now()) / 1000;
  const tolerance = expected.clockToleranceSeconds ?? 30;
  if (claims["iss"] !== expected.issuer) throw new IdTokenError("issuer", "unexpected issuer");
  const aud = claims["aud"];
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (!audiences || !audiences.every((a) => typeof a === "string"))
    throw new IdTokenError("malformed", "aud must be a string or an array of strings");
  if (!audiences.includes(expected.clientId))
    throw new IdTokenError("audience", "the client id is not an audience");
  if (audiences.length > 1 && claims["azp"] !== expected.clientId)
    throw new IdTokenError("azp", "several audiences and azp is not the client id");
  if (claims["azp"] !== undefined && claims["azp"] !== expected.clientId)
    throw new IdTokenError("azp", "azp is not the client id");
  const exp = numericClaim(claims, "exp", true) as number;
  if (exp + tolerance <= now) throw new IdTokenError("expired", "the token has expired");
  const nbf = numericClaim(claims, "nbf", false);
  if (nbf !== undefined && nbf - tolerance > now)
    throw new IdTokenError("not_yet_valid", "nbf is in the future");
  const iat = numericClaim(claims, "iat", true) as number;
  if (iat - tolerance > now) throw new IdTokenError("not_yet_valid", "iat is in the future");
  if (typeof claims["sub"] !== "string") throw new IdTokenError("malformed", "sub must be a string");
  const n = claims["nonce"];
  if (expected.nonce !== undefined) {
    // Intuit does not echo the nonce, so its absence is accepted; a different one never is.
    if (n !== undefined && (typeof n !== "string" || !safeEqual(n, expected.nonce)))
      throw new IdTokenError("nonce", "nonce does not match");
  } else if (n !== undefined) {
    // A nonce this client never sent means the token answers some other request: a replay.
    throw new IdTokenError("nonce", "the token carries a nonce that was not sent");
  }
  return claims as IdTokenClaims;
}

// Header segments accepted lately, with their kid: every token an issuer signs with one key has the
// same header, so it is decoded and parsed once. Only accepted headers are kept; bounded.
const acceptedHeaders = new Map<string, string>();
const MAX_ACCEPTED_HEADERS = 64;

/** The kid of an accepted header segment; throws for one that is not RS256 with a kid. */
function headerKid(segment: string): string {
  const known = acceptedHeaders.get(segment);
  if (known !== undefined) return known;
  const header = decodeJson(segment, "header");
  if (header["alg"] !== "RS256")
    throw new IdTokenError("alg", `alg ${JSON.stringify(header["alg"])} is not accepted; only RS256`);
  if (header["crit"] !== undefined)
    throw new IdTokenError("malformed", "crit header parameters are not supported");
  const kid = header["kid"];
  if (typeof kid !== "string" || kid === "") throw new IdTokenError("kid", "header has no kid");
  if (acceptedHeaders.size >= MAX_ACCEPTED_HEADERS) acceptedHeaders.clear();
  acceptedHeaders.set(segment, kid);
  return kid;
}

/** Splits a compact JWS and checks its header. */
function parse(token: unknown) {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH)
    throw new IdTokenError("malformed", "not a compact JWT");
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first <= 0 || second <= first + 1 || token.indexOf(".", second + 1) !== -1)
    throw new IdTokenError("malformed", "a JWT has three non-empty parts");
  const kid = headerKid(token.slice(0, first));
  // Check the payload's alphabet before the crypto, so plain base64 is reported as malformed.
  const payload = token.slice(first + 1, second);
  if (!B64URL.test(payload) || payload.length % 4 === 1)
    throw new IdTokenError("malformed", "payload is not base64url");
  return {
    kid,
    signingInput: token.slice(0, second),
    payload,
    signature: decodeSegment(token.slice(second + 1), "signature"),
  };
}

/** Where the keys come from and how they are cached. */
export interface IdTokenKeys {
  jwksUri: string;
  /** The cache the key set lives in (a config's own, or one the caller shares on purpose). */
  cache: JwksCache;
  http: HttpClient;
  /** Complete cache options (merged with the defaults once, by the caller). */
  options?: Required<JwksCacheOptions> | undefined;
}

/**
 * Verifies an id token against the issuer's JWKS and returns its claims.
 * Throws {@link IdTokenError} with a stable `reason`, or a JwksError when the keys cannot be fetched.
 */
export function verifyIdToken(
  token: unknown,
  keys: IdTokenKeys,
  expected: IdTokenExpectations,
): Promise<IdTokenClaims> {
  // Not an async function: with a warm JWKS on Node, everything below is synchronous and the
  // caller gets one already-settled promise.
  try {
    const parts = parse(token);
    const opts = keys.options ?? DEFAULT_JWKS_OPTIONS;
    const key = keys.cache.get(keys.jwksUri).peek(parts.kid, Date.now(), opts.maxAgeMs);
    if (key) {
      const ok = verifyRs256Now(key, utf8(parts.signingInput), parts.signature);
      if (ok === true) return Promise.resolve(claimsOf(parts.payload, expected));
      if (ok === false) throw new IdTokenError("signature", "signature verification failed");
    }
    return verifySlowly(parts, keys, expected);
  } catch (err) {
    return Promise.reject(err);
  }
}

function claimsOf(payload: string, expected: IdTokenExpectations): IdTokenClaims {
  // parse() checked the payload's alphabet already.
  return checkClaims(decodeJson(payload, "payload", true), expected);
}

/** A cold JWKS, or a runtime that verifies only asynchronously (Web Crypto). */
async function verifySlowly(
  parts: ReturnType<typeof parse>,
  keys: IdTokenKeys,
  expected: IdTokenExpectations,
): Promise<IdTokenClaims> {
  const opts = keys.options ?? DEFAULT_JWKS_OPTIONS;
  const jwks = keys.cache.get(keys.jwksUri);
  const key =
    jwks.peek(parts.kid, Date.now(), opts.maxAgeMs) ?? (await jwks.getKey(parts.kid, keys.http, opts));
  if (!key) throw new IdTokenError("kid", "no key in the JWKS matches the token's kid");
  // Always a promise, in both builds: without the await, `!` would pass any signature. The Node
  // tests therefore run the same control flow as Bun, Deno and workerd, and lint refuses the slip.
  if (!(await verifyRs256(key, utf8(parts.signingInput), parts.signature)))
    throw new IdTokenError("signature", "signature verification failed");
  return claimsOf(parts.payload, expected);
}
