// The token endpoint: exchanging a code and refreshing. exchangeCode is the one exchange function:
// every door (AuthClient.handleCallback, exchangeCallback, getBearerToken, the protocol subpath)
// goes through it, and it claims the state and code first (single-use.ts), so a code is sent at
// most once; nor is it retried once it may have reached Intuit (a second exchange poisons the
// grant). Refreshing is safe to retry. Each returns the token set and the verified ID-token claims.
import type { IdTokenClaims } from "./id-token.js";
import { decodePayloadUnverified } from "./id-token-payload.js";
import { CallbackError, isValidatedCallback, type ValidatedCallback } from "./callback.js";
import type { OAuthConfig } from "./config.js";
import { proveRealm } from "./realm.js";
import { readTokenResponse } from "./token-response.js";
import type { TokenSet } from "./token-set.js";
import { verifyClientIdToken } from "./verify.js";
import { ConfigurationError, MissingTokenError } from "../common/errors.js";
import { formBody } from "../http/form-body.js";

/** Options of {@link exchangeCode}. */
export interface ExchangeOptions {
  /** The callback's `realmId`: unverified until the ID token's realmid or CompanyInfo proves it. */
  realmId?: string | undefined;
  /** The nonce this user's request sent. */
  nonce?: string | undefined;
  /** The PKCE verifier of this user's request. */
  codeVerifier?: string | undefined;
  /** Prove the realm with a CompanyInfo call when no ID token proves it. */
  verifyRealm?: boolean | undefined;
  /** The callback's state, when the code came with one: it is claimed with the code, once. */
  state?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** A token set with the claims of the ID token that came with it, when one did and was verified. */
export interface GrantResult {
  token: TokenSet;
  claims: IdTokenClaims | undefined;
}

function post(
  config: OAuthConfig,
  form: Record<string, string>,
  idempotent: boolean,
  signal: AbortSignal | undefined,
) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  config.auth.apply(headers, form);
  if (config.includeRefreshTokenHardExpiresIn) headers["x-include-refresh-token-hard-expires-in"] = "true";
  return config.http.send({
    method: "POST",
    url: config.endpoints.tokenEndpoint,
    headers,
    // A string builder with URLSearchParams' encoding (form-body.ts), not a URLSearchParams per call.
    body: formBody(form),
    idempotent,
    signal,
  });
}

/**
 * Exchanges an authorization code, once: a code (or a state) this config, or any process sharing
 * its `stateStore`, exchanged before is a CallbackError `code_reused` (`state_reused`) and nothing is
 * sent. The realm is bound to the grant: a callback `realmId` that differs from the verified ID
 * token's `realmid` is a CallbackError `realm_mismatch`.
 *
 * @example
 * const { token } = await exchangeCode(config, code, { realmId });
 */
export async function exchangeCode(
  config: OAuthConfig,
  code: string,
  options: ExchangeOptions = {},
): Promise<GrantResult> {
  if (typeof code !== "string" || code === "")
    throw new MissingTokenError("Authorization code not specified");
  await config.usedCallbacks.claim({ state: options.state, code });
  const form: Record<string, string> = {
    grant_type: "authorization_code",
    code,
    redirect_uri: config.redirectUri,
  };
  if (options.codeVerifier) form["code_verifier"] = options.codeVerifier;
  const sent = [code, options.codeVerifier, ...config.auth.secretValues()];
  const res = await post(config, form, false, options.signal);
  const token = readTokenResponse(res, { receivedAt: config.clock() }, sent);
  const callbackRealm = options.realmId || undefined;
  let claims: IdTokenClaims | undefined;
  if (token.idToken) {
    claims = await verifyClientIdToken(config, token.idToken, { nonce: options.nonce });
    const claimed = typeof claims.realmid === "string" && claims.realmid !== "" ? claims.realmid : undefined;
    if (claimed !== undefined) {
      if (callbackRealm !== undefined && callbackRealm !== claimed)
        throw new CallbackError(
          "realm_mismatch",
          "The callback's realmId is not the company this grant is for (the ID token's realmid differs)",
        );
      token.realmId = claimed;
      token.realmIdVerified = true;
    }
  }
  if (token.realmIdVerified !== true) {
    // Said outright, even with no realm at all: such a set could be any company's grant, and
    // TokenManager.save refuses every set whose realm is not proven.
    token.realmIdVerified = false;
    if (callbackRealm !== undefined) {
      token.realmId = callbackRealm;
      if (options.verifyRealm) {
        await proveRealm(config, token.accessToken, callbackRealm, { signal: options.signal });
        token.realmIdVerified = true;
      }
    }
  }
  return { token, claims };
}

/** Options of {@link exchangeCallback}: those of {@link exchangeCode} but the callback's own. */
export type ExchangeCallbackOptions = Omit<ExchangeOptions, "state" | "realmId">;

/**
 * Exchanges a callback that {@link validateCallback} accepted (anything else is refused), with its
 * state and realm: the protocol's form of AuthClient.exchangeCallback.
 *
 * @example
 * const params = validateCallback(req.url, session.state);
 * const { token, claims } = await exchangeCallback(config, params, { nonce: session.nonce });
 */
export async function exchangeCallback(
  config: OAuthConfig,
  params: ValidatedCallback,
  options: ExchangeCallbackOptions = {},
): Promise<GrantResult> {
  if (!isValidatedCallback(params))
    throw new ConfigurationError("exchangeCallback only accepts validated callback parameters");
  // spread-ok: once per sign-in
  return exchangeCode(config, params.code, { ...options, state: params.state, realmId: params.realmId });
}

/** Options of {@link refreshGrant}. */
export interface RefreshGrantOptions {
  /** The grant's company, kept on the returned token set. */
  realmId?: string | undefined;
  /** The grant's previous ID token: kept when the answer has none; a new one may carry only its nonce. */
  idToken?: string | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Refreshes a grant. A new ID token that cannot be verified is dropped (and logged), never the
 * rotated refresh token: that one is already issued at Intuit.
 */
export async function refreshGrant(
  config: OAuthConfig,
  refreshToken: string,
  options: RefreshGrantOptions = {},
): Promise<GrantResult> {
  if (typeof refreshToken !== "string" || refreshToken === "")
    throw new MissingTokenError("Refresh token not specified");
  const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: refreshToken };
  const sent = [refreshToken, ...config.auth.secretValues()];
  const res = await post(config, form, true, options.signal);
  const previous = { refreshToken, idToken: options.idToken || undefined };
  const token = readTokenResponse(
    res,
    { receivedAt: config.clock(), realmId: options.realmId, previous },
    sent,
  );
  let claims: IdTokenClaims | undefined;
  if (token.idToken && token.idToken !== options.idToken) {
    // OpenID Core §12.2: a refreshed ID token may carry the nonce of the grant's first one, no other.
    const nonce = options.idToken ? decodePayloadUnverified(options.idToken)?.["nonce"] : undefined;
    try {
      claims = await verifyClientIdToken(config, token.idToken, {
        nonce: typeof nonce === "string" ? nonce : undefined,
      });
    } catch (err) {
      config.http.logger.warn(
        { error: (err as { code?: unknown })?.code ?? (err as Error)?.name },
        "intuit-oauth-client: a refreshed ID token could not be verified and was not kept",
      );
      if (options.idToken) token.idToken = options.idToken;
      else delete token.idToken;
    }
  }
  return { token, claims };
}
