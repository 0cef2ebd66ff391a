// AuthClient: everything Intuit's Python AuthClient does, with the same names in camelCase, as a
// thin stateful facade over the stateless protocol layer (src/oauth). It keeps what Python keeps
// (the tokens of the last call, the state of the last URL) for one-user scripts; a server passes
// each user's values in and keeps nothing on it. It never logs or prints a token.
import { MissingTokenError } from "../common/errors.js";
import { nonNegativeMs } from "../common/options.js";
import { redactInspection } from "../common/inspect.js";
import type { HttpClient } from "../http/request.js";
import {
  createAuthorizationRequest,
  type AuthorizationRequest,
  type AuthorizationUrlOptions,
} from "../oauth/authorization-request.js";
import {
  CallbackError,
  isValidatedCallback,
  validateCallback,
  type ValidatedCallback,
} from "../oauth/callback.js";
import { createOAuthConfig, type OAuthConfig, type OAuthConfigOptions } from "../oauth/config.js";
import { discoverEndpoints, type DiscoveryCache } from "../oauth/discovery.js";
import { builtInEnvironmentName, isLoopbackHost, type IntuitEndpoints } from "../oauth/environments.js";
import type { IdTokenClaims } from "../oauth/id-token.js";
import { migrateOAuth1, type MigrateOptions } from "../oauth/migrate.js";
import { revokeToken } from "../oauth/revoke.js";
import type { ScopeLike } from "../oauth/scopes.js";
import { exchangeCallback, exchangeCode, refreshGrant, type GrantResult } from "../oauth/token-endpoint.js";
import type { TokenSet } from "../oauth/token-set.js";
import { fetchUserInfo, type UserInfo } from "../oauth/user-info.js";
import { verifyClientIdToken } from "../oauth/verify.js";
import type { StateStore } from "../state/state-store.js";

/** Options of {@link AuthClient}. */
export interface AuthClientOptions extends OAuthConfigOptions {
  /**
   * `"sandbox"`, `"sand"`, `"production"`, `"prod"`, an endpoint object, or (with
   * {@link AuthClient.create} only) a discovery document URL.
   */
  environment: OAuthConfigOptions["environment"];
  /** Initial state, as Python's `state_token`. */
  stateToken?: string;
  accessToken?: string;
  refreshToken?: string;
  idToken?: string;
  realmId?: string;
  /** A token set to start from (e.g. read from a store). */
  token?: TokenSet;
  /**
   * Whether this client serves one user (a script, the CLI): then `handleCallback(url)` without
   * `expectedState` checks the state of this client's last `getAuthorizationUrl`, as a Python
   * script would. Default: true only for a loopback redirect URI (`http://localhost…`), whose
   * callbacks can only come from this machine's own browser. A server shared by many users must
   * pass the state kept in the user's session, and gets a `no_expected_state` error otherwise.
   */
  singleUser?: boolean;
  /**
   * Prove the callback's `realmId` with one CompanyInfo call when the grant has no ID token to
   * prove it (no `openid` scope). Default false: the realm is returned with `realmIdVerified: false`
   * and `TokenManager.save` refuses it unless told otherwise.
   */
  verifyRealm?: boolean;
  /**
   * Where used states and codes are recorded, so a callback is exchanged once across every server
   * sharing the store (`RedisStateStore`, `PostgresStateStore`, `FileStateStore`, `MemoryStateStore`).
   * A state or code seen before is a CallbackError (`state_reused`, `code_reused`) and no token
   * request is sent. Default: none (the client's own record of the states and codes it used, in
   * this process only).
   */
  stateStore?: StateStore;
}

/** Options of {@link AuthClient.create}. */
export interface CreateOptions extends AuthClientOptions {
  /** How long the `discoveryCache` keeps a document, ms (0: fetched on every create). Default one hour. */
  discoveryTtlMs?: number;
  /**
   * Where discovery documents are cached. Default: none, the document is fetched on each create.
   * Pass your own cache, or `DiscoveryCache.shared` for the whole process.
   */
  discoveryCache?: DiscoveryCache;
  /** Origins a discovery document may point at besides its own (an explicit, rare switch). */
  allowedOrigins?: readonly string[];
}

/** Per-call options shared by the network methods. */
export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Keep the call's tokens on the client (`accessToken`, `refreshToken`, `token`…). Default: the
   * client's {@link AuthClient.singleUser} mode: true for a one-user script, false for a server,
   * whose clients keep no user's tokens. A call on the client's own tokens (`refresh()` or
   * `revoke()` with no token) keeps the client current in either mode.
   */
  updateClient?: boolean;
}

/** Options of {@link AuthClient.handleCallback}. */
export interface CallbackOptions extends CallOptions {
  /**
   * The state you stored for this user's session. Only a single-user client (see
   * {@link AuthClientOptions.singleUser}) may omit it and use its own last state.
   */
  expectedState?: string;
  /** The nonce sent with this user's authorization request, if any. */
  nonce?: string;
  /** The PKCE verifier of this user's request, when it used `pkce: true`. */
  codeVerifier?: string;
  /** Prove the realm with a CompanyInfo call when no ID token proves it. Default: the client's option. */
  verifyRealm?: boolean;
}

/** Options of {@link AuthClient.getBearerToken}. */
export interface BearerTokenOptions extends CallOptions {
  /** The callback's `realmId` (unverified until the ID token or a CompanyInfo call proves it). */
  realmId?: string;
  nonce?: string;
  codeVerifier?: string;
  verifyRealm?: boolean;
}

/** Options of {@link AuthClient.refresh}. */
export interface RefreshOptions extends CallOptions {
  /** The grant's company, kept on the returned token set. */
  realmId?: string;
  /** The grant's previous ID token: kept when the answer has none; a new one may carry only its nonce. */
  idToken?: string;
}

const REDACTED = "[redacted]";

/**
 * An OAuth 2.0 / OpenID Connect client for Intuit (QuickBooks Online).
 *
 * @example
 * const authClient = new AuthClient({ clientId, clientSecret, redirectUri, environment: "sandbox" });
 * const { url, state } = authClient.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
 * // ...keep `state` in the user's session, redirect, then on the callback:
 * const token = await authClient.handleCallback(req.url, { expectedState: session.state });
 */
export class AuthClient {
  /** The protocol layer's config: endpoints, credentials (hidden), HTTP client, clock, caches. */
  readonly config: OAuthConfig;
  /** Whether `handleCallback` may fall back to this client's own last state. */
  readonly singleUser: boolean;
  /** The state put in the last URL from {@link getAuthorizationUrl}. */
  stateToken: string | undefined;
  /** The nonce of the last URL from {@link getAuthorizationUrl}, if one was requested. */
  nonce: string | undefined;
  /** The PKCE verifier of the last URL from {@link getAuthorizationUrl}, if PKCE was requested. */
  codeVerifier: string | undefined;
  realmId: string | undefined;
  expiresIn: number | undefined;
  xRefreshTokenExpiresIn: number | undefined;
  xRefreshTokenHardExpiresIn: number | undefined;

  readonly #verifyRealm: boolean;
  #accessToken: string | undefined;
  #refreshToken: string | undefined;
  #idToken: string | undefined;
  #token: TokenSet | undefined;
  /** Claims of the client's own ID token and the nonce it was checked with. */
  #idTokenClaims: IdTokenClaims | undefined;
  #idTokenNonce: string | undefined;

  constructor(options: AuthClientOptions) {
    this.config = createOAuthConfig(options);
    this.singleUser = options.singleUser ?? isLoopbackHost(new URL(this.config.redirectUri).hostname);
    this.#verifyRealm = options.verifyRealm ?? false;
    this.stateToken = options.stateToken;
    this.nonce = undefined;
    this.codeVerifier = undefined;
    this.realmId = options.realmId;
    this.expiresIn = undefined;
    this.xRefreshTokenExpiresIn = undefined;
    this.xRefreshTokenHardExpiresIn = undefined;
    if (options.token) this.#setToken(options.token);
    if (options.accessToken) this.#accessToken = options.accessToken;
    if (options.refreshToken) this.#refreshToken = options.refreshToken;
    if (options.idToken) this.#idToken = options.idToken;
    redactInspection(this, "AuthClient", () => this.toJSON());
  }

  /**
   * Creates a client whose environment is a discovery document URL (or any environment).
   * The document is fetched, validated and cached per URL.
   *
   * @example
   * const client = await AuthClient.create({ ...options, environment: "http://127.0.0.1:4010/.well-known/openid-configuration" });
   */
  static async create(options: CreateOptions): Promise<AuthClient> {
    const env = options.environment;
    // A bare word is a mistyped environment name, not a URL: the constructor says so.
    if (typeof env === "string" && !builtInEnvironmentName(env) && /^[a-z][a-z0-9+.-]*:/i.test(env.trim())) {
      const probe = createOAuthConfig({ ...options, environment: "sandbox" });
      const endpoints = await discoverEndpoints(env, probe.http, {
        cache: options.discoveryCache,
        ttlMs: nonNegativeMs("discoveryTtlMs", options.discoveryTtlMs, undefined),
        allowedOrigins: options.allowedOrigins,
      });
      return new AuthClient({ ...options, environment: endpoints });
    }
    return new AuthClient(options);
  }

  get clientId(): string {
    return this.config.clientId;
  }
  /** Exactly the redirect URI the client was created with. */
  get redirectUri(): string {
    return this.config.redirectUri;
  }
  /** `sandbox`, `production`, or `custom`. */
  get environment(): "sandbox" | "production" | "custom" {
    return this.config.environment;
  }
  get endpoints(): Readonly<IntuitEndpoints> {
    return this.config.endpoints;
  }
  /** The HTTP client (timeouts, retries, logger) every call goes through. */
  get http(): HttpClient {
    return this.config.http;
  }
  /** The clock used for expiry times, in epoch ms. */
  get clock(): () => number {
    return this.config.clock;
  }
  get includeRefreshTokenHardExpiresIn(): boolean {
    return this.config.includeRefreshTokenHardExpiresIn;
  }
  /** The QuickBooks Accounting API base URL of this environment, when known. */
  get apiBaseUrl(): string | undefined {
    return this.config.endpoints.apiBaseUrl;
  }
  /** The access token of the last successful call. */
  get accessToken(): string | undefined {
    return this.#accessToken;
  }
  set accessToken(value: string | undefined) {
    this.#accessToken = value;
  }
  /** The refresh token of the last successful call. Persist it every time it changes. */
  get refreshToken(): string | undefined {
    return this.#refreshToken;
  }
  set refreshToken(value: string | undefined) {
    this.#refreshToken = value;
  }
  get idToken(): string | undefined {
    return this.#idToken;
  }
  set idToken(value: string | undefined) {
    this.#idToken = value;
  }
  /** The full token set of the last successful call, with absolute expiry times. */
  get token(): TokenSet | undefined {
    return this.#token;
  }

  /**
   * Builds the URL to send the user to (Python's `get_authorization_url`). A fresh 256-bit state
   * from the CSPRNG is made for every call unless you pass one, and kept in {@link stateToken} for
   * a one-user script's `handleCallback(url)`. On a server, use {@link createAuthorizationRequest}.
   */
  getAuthorizationUrl(
    scopes: readonly ScopeLike[] | ScopeLike,
    options: AuthorizationUrlOptions = {},
  ): string {
    const req = this.createAuthorizationRequest(scopes, options);
    this.stateToken = req.state;
    this.nonce = req.nonce;
    this.codeVerifier = req.codeVerifier;
    return req.url;
  }

  /**
   * Returns the URL and everything to keep in the user's session (state, nonce, PKCE verifier):
   * the form for a server with many users. It leaves nothing on the client.
   */
  createAuthorizationRequest(
    scopes: readonly ScopeLike[] | ScopeLike,
    options: AuthorizationUrlOptions = {},
  ): AuthorizationRequest {
    return createAuthorizationRequest(this.config, scopes, options);
  }

  /**
   * Validates the callback (state in constant time and single use, then `error=`, then the code),
   * exchanges the code, and binds the realm to the grant: a callback `realmId` that differs from
   * the verified ID token's `realmid` is a {@link CallbackError} `realm_mismatch`.
   * A missing or mismatched state throws before anything is sent.
   */
  async handleCallback(
    callback: string | URL | URLSearchParams,
    options: CallbackOptions = {},
  ): Promise<TokenSet> {
    const fallback = options.expectedState === undefined;
    if (fallback && !this.singleUser)
      throw new CallbackError(
        "no_expected_state",
        "No expected state: this client may serve many users, so pass { expectedState } from the " +
          "user's session (or set singleUser: true for a one-user script)",
      );
    const params = validateCallback(callback, options.expectedState ?? this.stateToken);
    return this.exchangeCallback(params, options);
  }

  /**
   * Exchanges parameters returned by `validateCallback`. Unvalidated input is refused, and so is a
   * state or code used before (CallbackError `state_reused`, `code_reused`), as in every exchange.
   * Pass the nonce and PKCE verifier of this user's request; a single-user client uses its own for
   * its own state.
   */
  async exchangeCallback(
    params: ValidatedCallback,
    options: Omit<CallbackOptions, "expectedState"> = {},
  ): Promise<TokenSet> {
    const state = isValidatedCallback(params) ? params.state : undefined;
    // The client's own nonce and verifier belong to its own last request, and only to that.
    const own = this.singleUser && state !== undefined && state === this.stateToken;
    const nonce = options.nonce ?? (own ? this.nonce : undefined);
    const codeVerifier = options.codeVerifier ?? (own ? this.codeVerifier : undefined);
    try {
      return this.#keep(
        await exchangeCallback(this.config, params, {
          nonce,
          codeVerifier,
          verifyRealm: options.verifyRealm ?? this.#verifyRealm,
          signal: options.signal,
        }),
        options.updateClient,
        nonce,
      );
    } finally {
      // Once its state is used, the client's own request is over (unless the claim was undone
      // because the state store failed: then the same callback may be tried again).
      if (state !== undefined && state === this.stateToken && this.config.usedCallbacks.hasState(state))
        this.#forgetRequest();
    }
  }

  /**
   * Exchanges an authorization code for tokens (Python's `get_bearer_token`). A code exchanged
   * before, by any door of this client (or of any server sharing its `stateStore`), is refused
   * with CallbackError `code_reused` before anything is sent; nor is the exchange retried once it
   * may have reached Intuit: a second exchange of one code poisons the grant.
   * The `realmId` you pass is returned with `realmIdVerified: false` unless the ID token's
   * `realmid` (or, with `verifyRealm`, a CompanyInfo call) proves it.
   */
  async getBearerToken(authCode: string, options: BearerTokenOptions = {}): Promise<TokenSet> {
    return this.#keep(
      await exchangeCode(this.config, authCode, {
        realmId: options.realmId,
        nonce: options.nonce,
        codeVerifier: options.codeVerifier,
        verifyRealm: options.verifyRealm ?? this.#verifyRealm,
        signal: options.signal,
      }),
      options.updateClient,
      options.nonce,
    );
  }

  /**
   * Refreshes tokens with the given or the client's refresh token (Python's `refresh`). Safe to
   * retry. A refreshed ID token that cannot be verified is dropped, never the rotated tokens.
   */
  async refresh(refreshToken?: string, options: RefreshOptions = {}): Promise<TokenSet> {
    const own = refreshToken === undefined;
    const token = refreshToken ?? this.#refreshToken;
    if (!token) throw new MissingTokenError("Refresh token not specified");
    const realmId = options.realmId ?? (own ? this.realmId : undefined);
    const result = await refreshGrant(this.config, token, {
      realmId,
      idToken: options.idToken ?? (own ? this.#idToken : undefined),
      signal: options.signal,
    });
    // The client's own grant, refreshed: its realm is as proven as it was. A realm the caller
    // names is only the caller's word, so TokenManager.save refuses it unless told otherwise.
    const kept = this.#token;
    if (
      own &&
      kept?.realmIdVerified === true &&
      kept.refreshToken === token &&
      kept.realmId !== undefined &&
      kept.realmId === realmId
    )
      result.token.realmIdVerified = true;
    // A refresh token the client holds is rotated by this call: the client keeps the new one.
    if (options.updateClient ?? (this.singleUser || token === this.#refreshToken)) {
      this.#setToken(result.token);
      if (result.claims) this.#idTokenClaims = result.claims;
    }
    return result.token;
  }

  /**
   * Revokes a token; revoking either token of a grant disconnects the app. Without an argument,
   * revokes the client's refresh token (else its access token) and then clears the client's tokens.
   * Resolves `true`. Where Python returns False, this throws a typed `AuthClientError`: Intuit
   * answers an unknown or already-revoked token with HTTP 400 and an empty body (`statusCode` 400).
   * When that 400 answers a retry whose first attempt's answer was lost, the token is revoked and
   * this resolves `true`.
   */
  async revoke(token?: string, options: CallOptions = {}): Promise<true> {
    const value = token ?? this.#refreshToken ?? this.#accessToken;
    if (!value) throw new MissingTokenError("Token to revoke not specified");
    await revokeToken(this.config, value, { signal: options.signal });
    const ownToken = value === this.#refreshToken || value === this.#accessToken;
    if (ownToken && options.updateClient !== false) this.#clearTokens();
    return true;
  }

  /**
   * Fetches the user's profile (`openid` plus profile/email/phone/address scopes). Its `sub` must
   * equal the ID token's: pass `expectedSubject`, or use the client's own tokens.
   */
  async getUserInfo(
    accessToken?: string,
    options: Pick<CallOptions, "signal"> & { expectedSubject?: string } = {},
  ): Promise<UserInfo> {
    const token = accessToken ?? this.#accessToken;
    if (!token) throw new MissingTokenError("Access token not specified");
    const expectedSubject =
      options.expectedSubject ?? (token === this.#accessToken ? this.#idTokenClaims?.sub : undefined);
    return fetchUserInfo(this.config, token, { expectedSubject, signal: options.signal });
  }

  /**
   * Verifies an id token (the given one or the client's) and returns its claims: RS256 with a
   * key from the cached JWKS, issuer, audience, azp, expiry with tolerance and nonce.
   */
  validateIdToken(
    idToken?: string,
    options: { nonce?: string | undefined; clockToleranceSeconds?: number } = {},
  ): Promise<IdTokenClaims> {
    const token = idToken ?? this.#idToken;
    // Not an async function: with a warm JWKS this is a hot path, and one promise is enough.
    if (!token) return Promise.reject(new MissingTokenError("ID token not specified"));
    // The client's own token was issued for its own request: check it against that nonce.
    const nonce = options.nonce ?? (token === this.#idToken ? this.#idTokenNonce : undefined);
    return verifyClientIdToken(this.config, token, {
      nonce,
      clockToleranceSeconds: options.clockToleranceSeconds,
    });
  }

  /** Legacy OAuth 1.0a → 2.0 migration. Returns a token set with Intuit's `realmId`. */
  async migrate(options: MigrateOptions): Promise<TokenSet> {
    const token = await migrateOAuth1(this.config, options);
    if (options.updateClient ?? this.singleUser) this.#setToken(token);
    return token;
  }

  #keep(result: GrantResult, updateClient: boolean | undefined, nonce: string | undefined): TokenSet {
    if (updateClient ?? this.singleUser) {
      this.#setToken(result.token);
      this.#idTokenClaims = result.claims;
      this.#idTokenNonce = nonce;
    }
    return result.token;
  }

  #setToken(token: TokenSet): void {
    this.#token = token;
    this.#accessToken = token.accessToken;
    this.#refreshToken = token.refreshToken;
    this.#idToken = token.idToken ?? this.#idToken;
    this.expiresIn = token.expiresIn;
    this.xRefreshTokenExpiresIn = token.xRefreshTokenExpiresIn;
    this.xRefreshTokenHardExpiresIn = token.xRefreshTokenHardExpiresIn;
    if (token.realmId) this.realmId = token.realmId;
  }

  #forgetRequest(): void {
    this.stateToken = undefined;
    this.nonce = undefined;
    this.codeVerifier = undefined;
  }

  #clearTokens(): void {
    this.#idTokenClaims = undefined;
    this.#idTokenNonce = undefined;
    this.#token = undefined;
    this.#accessToken = undefined;
    this.#refreshToken = undefined;
    this.#idToken = undefined;
    this.expiresIn = undefined;
    this.xRefreshTokenExpiresIn = undefined;
    this.xRefreshTokenHardExpiresIn = undefined;
  }

  /** A redacted view: secrets and tokens never appear in logs or JSON. */
  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      clientSecret: REDACTED,
      redirectUri: this.redirectUri,
      environment: this.environment,
      realmId: this.realmId,
      accessToken: this.#accessToken ? REDACTED : undefined,
      refreshToken: this.#refreshToken ? REDACTED : undefined,
      idToken: this.#idToken ? REDACTED : undefined,
      stateToken: this.stateToken ? REDACTED : undefined,
      expiresIn: this.expiresIn,
      xRefreshTokenExpiresIn: this.xRefreshTokenExpiresIn,
    };
  }
}
