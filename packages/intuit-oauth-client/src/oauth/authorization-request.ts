// The front channel's first half: state, nonce and PKCE, and the authorization URL. Pure: it
// sends nothing and keeps nothing; the caller keeps what it returns in the user's session.
import { toBase64Url, utf8 } from "../common/bytes.js";
import { ConfigurationError } from "../common/errors.js";
import { sha256 } from "../crypto/digest.js";
import { randomToken } from "../crypto/random.js";
import type { OAuthConfig } from "./config.js";
import { formatScopes, type ScopeLike } from "./scopes.js";

/** The S256 code challenge of a PKCE verifier (RFC 7636). */
export function codeChallengeS256(verifier: string): string {
  return toBase64Url(sha256(utf8(verifier)));
}

/** Options of {@link AuthClient.getAuthorizationUrl}. */
export interface AuthorizationUrlOptions {
  /** Use this state instead of a fresh random one. */
  state?: string;
  /** Put an OpenID nonce in the request (`true` generates one). Intuit does not document nonce. */
  nonce?: string | true;
  /** Opt in to PKCE S256 (not documented by Intuit; supported by the emulator). */
  pkce?: boolean;
  /** Extra query parameters, e.g. `{ prompt: "login" }`. They cannot override the core ones. */
  params?: Record<string, string>;
}

/** Everything a server must remember between redirect and callback. */
export interface AuthorizationRequest {
  url: string;
  state: string;
  nonce?: string | undefined;
  /** The PKCE verifier, when `pkce: true`; pass it to the callback. */
  codeVerifier?: string | undefined;
}

const CORE_PARAMS = new Set(["client_id", "response_type", "scope", "redirect_uri", "state"]);

/**
 * The URL to send a user to, and what to keep in the user's session until the callback: a fresh
 * 256-bit state (and nonce and PKCE verifier when asked). Sends nothing and keeps nothing.
 *
 * @example
 * const { url, state, nonce } = createAuthorizationRequest(config, [Scopes.Accounting, Scopes.OpenId], { nonce: true });
 */
export function createAuthorizationRequest(
  config: Pick<OAuthConfig, "endpoints" | "clientId" | "redirectUri">,
  scopes: readonly ScopeLike[] | ScopeLike,
  options: AuthorizationUrlOptions = {},
): AuthorizationRequest {
  const { endpoints, clientId, redirectUri } = config;
  const scope = formatScopes(scopes);
  // An empty state would make every callback look "matching"; omit it to get a random one.
  if (options.state !== undefined && (typeof options.state !== "string" || options.state === ""))
    throw new ConfigurationError("state must be a non-empty string (omit it to get a random one)");
  const state = options.state ?? randomToken();
  const url = new URL(endpoints.authorizationEndpoint);
  const q = url.searchParams;
  // Python's order: client_id, response_type, scope, redirect_uri, state.
  q.set("client_id", clientId);
  q.set("response_type", "code");
  q.set("scope", scope);
  q.set("redirect_uri", redirectUri);
  q.set("state", state);
  const req: AuthorizationRequest = { url: "", state };
  if (options.nonce !== undefined) {
    req.nonce = options.nonce === true ? randomToken() : options.nonce;
    q.set("nonce", req.nonce);
  }
  if (options.pkce) {
    req.codeVerifier = randomToken();
    q.set("code_challenge", codeChallengeS256(req.codeVerifier));
    q.set("code_challenge_method", "S256");
  }
  for (const [k, v] of Object.entries(options.params ?? {})) {
    if (!CORE_PARAMS.has(k) && !q.has(k)) q.set(k, v);
  }
  req.url = url.href;
  return req;
}
