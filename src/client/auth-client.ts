// AuthClient: everything Intuit's Python AuthClient does, with the same names in camelCase,
// plus a verified state, id-token verification, timeouts and typed errors.
// It holds the tokens of the last successful call (as Python does) but never logs or prints them.
import { inspect } from "node:util";
import { ConfigurationError, MissingTokenError } from "../http/errors.js";
import { HttpClient, type HttpOptions } from "../http/request.js";
import { decodePayloadUnverified } from "./id-token-payload.js";
import {
  buildAuthorizationRequest,
  CallbackError,
  isValidatedCallback,
  validateCallback,
  type AuthorizationRequest,
  type AuthorizationUrlOptions,
  type ValidatedCallback,
} from "./authorization.js";
import {
  assertSafeUrl,
  builtInEnvironmentName,
  discover,
  INTUIT_ENVIRONMENTS,
  isLoopbackHost,
  validateEndpoints,
  type EnvironmentName,
  type IntuitEndpoints,
} from "./environments.js";
import { verifyIdToken, type IdTokenClaims } from "./id-token.js";
import { DEFAULT_JWKS_OPTIONS, type JwksCacheOptions } from "./jwks.js";
import { migrateOAuth1, type MigrateOptions } from "./migrate.js";
import type { ScopeLike } from "./scopes.js";
import { errorFromResponse, readJsonObject, readTokenResponse } from "./token-endpoint.js";
import type { TokenSet } from "./token-set.js";
import { parseUserInfo, UserInfoFormatError, type UserInfo } from "./user-info.js";

/** Options of {@link AuthClient}. */
export interface AuthClientOptions extends HttpOptions {
  clientId: string;
  clientSecret: string;
  /** Must exactly match a redirect URI registered for the app. */
  redirectUri: string;
  /**
   * `"sandbox"`, `"sand"`, `"production"`, `"prod"`, an endpoint object, or (with
   * {@link AuthClient.create} only) a discovery document URL.
   */
  environment: EnvironmentName | (string & {}) | IntuitEndpoints;
  /** Initial state, as Python's `state_token`. */
  stateToken?: string;
  accessToken?: string;
  refreshToken?: string;
  idToken?: string;
  realmId?: string;
  /** A token set to start from (e.g. read from a store). */
  token?: TokenSet;
  /** Send `x-include-refresh-token-hard-expires-in: true` to learn the five-year cap. */
  includeRefreshTokenHardExpiresIn?: boolean;
  /** How the client authenticates at the token endpoint. Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: "client_secret_basic" | "client_secret_post";
  /** Body format of revoke requests. Intuit's SDKs send JSON (default); Java sends a form. */
  revokeBodyFormat?: "json" | "form";
  /** Clock skew tolerated in id-token time checks, seconds. Default 30. */
  clockTolerance?: number;
  /** JWKS cache tuning. */
  jwks?: JwksCacheOptions;
  /** The current time in ms; injectable for tests and emulators. Default `Date.now`. */
  clock?: () => number;
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
}

/** Per-call options shared by the network methods. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Leave the client's own token fields untouched (for multi-tenant use). Default true. */
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
  /** The grant's previous ID token: a refreshed one may carry only its nonce. */
  idToken?: string;
}

const REDACTED = "[redacted]";
const MAX_USED_STATES = 10_000;

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ConfigurationError(`${name} is required`);
  return value;
}

/**
 * An OAuth 2.0 / OpenID Connect client for Intuit (QuickBooks Online).
 *
 * @example
 * const authClient = new AuthClient({ clientId, clientSecret, redirectUri, environment: "sandbox" });
 * const url = authClient.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId]);
 * // ...redirect the user, then on the callback:
 * const token = await authClient.handleCallback(req.url, { expectedState: session.state });
 */
export class AuthClient {
  readonly clientId: string;
  readonly redirectUri: string;
  /** `sandbox`, `production`, or `custom`. */
  readonly environment: "sandbox" | "production" | "custom";
  readonly endpoints: Readonly<IntuitEndpoints>;
  /** The state put in the last authorization URL. */
  stateToken: string | undefined;
  /** The nonce of the last authorization URL, if one was requested. */
  nonce: string | undefined;
  /** The PKCE verifier of the last authorization URL, if PKCE was requested. */
  codeVerifier: string | undefined;
  realmId: string | undefined;
  expiresIn: number | undefined;
  xRefreshTokenExpiresIn: number | undefined;
  xRefreshTokenHardExpiresIn: number | undefined;
  readonly includeRefreshTokenHardExpiresIn: boolean;
  /** The HTTP client (timeouts, retries, logger) every call goes through. */
  readonly http: HttpClient;

  #clientSecret: string;
  #basicAuthHeader: string | undefined;
  #accessToken: string | undefined;
  #refreshToken: string | undefined;
  #idToken: string | undefined;
  #token: TokenSet | undefined;
  readonly #authMethod: "client_secret_basic" | "client_secret_post";
  readonly #revokeFormat: "json" | "form";
  readonly #clockTolerance: number;
  readonly #jwksOptions: JwksCacheOptions;
  /** The clock used for expiry times, in epoch ms. */
  readonly clock: () => number;
  /** Whether `handleCallback` may fall back to this client's own last state. */
  readonly singleUser: boolean;
  readonly #verifyRealm: boolean;
  readonly #usedStates = new Set<string>();
  /** Claims of the client's own ID token and the nonce it was checked with. */
  #idTokenClaims: IdTokenClaims | undefined;
  #idTokenNonce: string | undefined;

  constructor(options: AuthClientOptions) {
    if (typeof options !== "object" || options === null)
      throw new ConfigurationError("AuthClient options are required");
    this.clientId = requireString(options.clientId, "clientId");
    this.#clientSecret = requireString(options.clientSecret, "clientSecret");
    const redirect = new URL(assertSafeUrl(requireString(options.redirectUri, "redirectUri"), "redirectUri"));
    // RFC 6749 §3.1.2: a redirection URI must not include a fragment.
    if (options.redirectUri.includes("#"))
      throw new ConfigurationError("redirectUri must not contain a #fragment");
    // Keep the exact string the user registered; URL normalisation could add a trailing slash.
    this.redirectUri = options.redirectUri;
    this.singleUser = options.singleUser ?? isLoopbackHost(redirect.hostname);
    this.#verifyRealm = options.verifyRealm ?? false;
    const env = options.environment;
    if (typeof env === "string") {
      const name = builtInEnvironmentName(env);
      if (!name)
        throw new ConfigurationError(
          `environment "${env}" is not sandbox or production. For a discovery document URL use ` +
            "`await AuthClient.create({ ...options, environment: url })`, which fetches it once.",
        );
      this.environment = name;
      this.endpoints = INTUIT_ENVIRONMENTS[name];
    } else if (typeof env === "object" && env !== null) {
      this.environment = "custom";
      this.endpoints = Object.freeze(validateEndpoints(env));
    } else {
      throw new ConfigurationError(
        "environment is required: sandbox, production, an endpoint object, or a discovery URL",
      );
    }
    this.http = new HttpClient(options);
    this.includeRefreshTokenHardExpiresIn = options.includeRefreshTokenHardExpiresIn ?? false;
    this.#authMethod = options.tokenEndpointAuthMethod ?? "client_secret_basic";
    this.#revokeFormat = options.revokeBodyFormat ?? "json";
    this.#clockTolerance = options.clockTolerance ?? 30;
    this.#jwksOptions = options.jwks ? { ...DEFAULT_JWKS_OPTIONS, ...options.jwks } : DEFAULT_JWKS_OPTIONS;
    this.clock = options.clock ?? Date.now;
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
  }

  /**
   * Creates a client whose environment is a discovery document URL (or any environment).
   * The document is fetched, validated and cached per URL in this process.
   *
   * @example
   * const client = await AuthClient.create({ ...options, environment: "http://127.0.0.1:4010/.well-known/openid-configuration" });
   */
  static async create(
    options: AuthClientOptions & {
      discoveryTtlMs?: number;
      /** Origins a discovery document may point at besides its own (an explicit, rare switch). */
      allowedOrigins?: readonly string[];
    },
  ): Promise<AuthClient> {
    const env = options.environment;
    if (typeof env === "string" && !builtInEnvironmentName(env)) {
      // A bare word is a mistyped environment name, not a URL: say so, as the constructor does.
      if (!/^[a-z][a-z0-9+.-]*:/i.test(env.trim())) return new AuthClient(options);
      const endpoints = await discover(
        env,
        new HttpClient(options),
        options.discoveryTtlMs,
        options.allowedOrigins,
      );
      return new AuthClient({ ...options, environment: endpoints });
    }
    return new AuthClient(options);
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
  /** The QuickBooks Accounting API base URL of this environment, when known. */
  get apiBaseUrl(): string | undefined {
    return this.endpoints.apiBaseUrl;
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
    return buildAuthorizationRequest(
      this.endpoints.authorizationEndpoint,
      this.clientId,
      this.redirectUri,
      scopes,
      options,
    );
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
    if (this.#usedStates.has(params.state))
      throw new CallbackError("state_reused", "This state was already used");
    this.#rememberState(params.state);
    // The client's own nonce and verifier belong to its own last request, and only to that.
    const own = fallback || params.state === this.stateToken;
    const nonce = options.nonce ?? (own && this.singleUser ? this.nonce : undefined);
    const codeVerifier = options.codeVerifier ?? (own && this.singleUser ? this.codeVerifier : undefined);
    if (this.stateToken === params.state) this.#forgetRequest();
    return this.#exchange(params.code, {
      ...options,
      realmId: params.realmId,
      nonce,
      codeVerifier,
    });
  }

  /**
   * Exchanges parameters returned by {@link validateCallback}. Unvalidated input is refused. Pass
   * the nonce and PKCE verifier of this user's request.
   */
  async exchangeCallback(
    params: ValidatedCallback,
    options: Omit<CallbackOptions, "expectedState"> = {},
  ): Promise<TokenSet> {
    if (!isValidatedCallback(params))
      throw new ConfigurationError("exchangeCallback only accepts validated callback parameters");
    const own = this.singleUser && params.state === this.stateToken;
    const nonce = options.nonce ?? (own ? this.nonce : undefined);
    const codeVerifier = options.codeVerifier ?? (own ? this.codeVerifier : undefined);
    if (own) this.#forgetRequest();
    return this.#exchange(params.code, { ...options, realmId: params.realmId, nonce, codeVerifier });
  }

  /**
   * Exchanges an authorization code for tokens (Python's `get_bearer_token`). Never retried
   * once the request may have reached Intuit: a second exchange of one code poisons the grant.
   * The `realmId` you pass is returned with `realmIdVerified: false` unless the ID token's
   * `realmid` (or, with `verifyRealm`, a CompanyInfo call) proves it.
   */
  async getBearerToken(authCode: string, options: BearerTokenOptions = {}): Promise<TokenSet> {
    return this.#exchange(authCode, options);
  }

  async #exchange(authCode: string, options: BearerTokenOptions): Promise<TokenSet> {
    if (typeof authCode !== "string" || authCode === "")
      throw new MissingTokenError("Authorization code not specified");
    const form = new URLSearchParams({
      grant_type: "authorization_code",
      code: authCode,
      redirect_uri: this.redirectUri,
    });
    if (options.codeVerifier) form.set("code_verifier", options.codeVerifier);
    const sent = [authCode, options.codeVerifier];
    const res = await this.#tokenRequest(form, false, options.signal);
    const token = readTokenResponse(res, { receivedAt: this.clock() }, sent);
    const callbackRealm = options.realmId || undefined;
    let claims: IdTokenClaims | undefined;
    if (token.idToken) {
      claims = await this.#verify(token.idToken, options.nonce);
      const claimed =
        typeof claims.realmid === "string" && claims.realmid !== "" ? claims.realmid : undefined;
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
    if (token.realmIdVerified !== true && callbackRealm !== undefined) {
      token.realmId = callbackRealm;
      token.realmIdVerified =
        (options.verifyRealm ?? this.#verifyRealm)
          ? await this.#proveRealm(token.accessToken, callbackRealm, options.signal)
          : false;
    }
    if (options.updateClient !== false) {
      this.#setToken(token);
      this.#idTokenClaims = claims;
      this.#idTokenNonce = options.nonce;
    }
    return token;
  }

  /**
   * One CompanyInfo call with the new access token: Intuit binds an access token to one company
   * and refuses it for any other, so a 200 proves the realm. A 401 or 403 is a `realm_mismatch`.
   */
  async #proveRealm(accessToken: string, realmId: string, signal: AbortSignal | undefined): Promise<true> {
    const base = this.endpoints.apiBaseUrl;
    if (!base)
      throw new ConfigurationError(
        "verifyRealm needs the environment's QuickBooks API base URL (apiBaseUrl)",
      );
    const realm = encodeURIComponent(realmId);
    const res = await this.http.send({
      method: "GET",
      url: `${base.replace(/\/+$/, "")}/v3/company/${realm}/companyinfo/${realm}?minorversion=75`,
      headers: { authorization: `Bearer ${accessToken}` },
      idempotent: true,
      signal,
    });
    if (res.status === 401 || res.status === 403)
      throw new CallbackError(
        "realm_mismatch",
        `The callback's realmId is not the company this grant is for (CompanyInfo answered HTTP ${res.status})`,
      );
    const body = readJsonObject(res, [accessToken]);
    if (typeof body["CompanyInfo"] !== "object" || body["CompanyInfo"] === null)
      throw new CallbackError("realm_mismatch", "CompanyInfo did not confirm the callback's realmId");
    return true;
  }

  /** Refreshes tokens with the given or the client's refresh token (Python's `refresh`). Safe to retry. */
  async refresh(refreshToken?: string, options: RefreshOptions = {}): Promise<TokenSet> {
    const own = refreshToken === undefined;
    const token = refreshToken ?? this.#refreshToken;
    if (!token) throw new MissingTokenError("Refresh token not specified");
    const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: token });
    const res = await this.#tokenRequest(form, true, options.signal);
    const realmId = options.realmId ?? (own ? this.realmId : undefined);
    const previousIdToken = options.idToken ?? (own ? this.#idToken : undefined);
    const previous = { refreshToken: token, ...(previousIdToken ? { idToken: previousIdToken } : {}) };
    const body = readTokenResponse(res, { receivedAt: this.clock(), realmId, previous }, [token]);
    // Validate only a freshly issued id token, not one carried over from before. It may carry
    // the nonce of the grant's first ID token (OpenID Core §12.2), and no other.
    let claims: IdTokenClaims | undefined;
    if (body.idToken && body.idToken !== previous.idToken) {
      const nonce = previousIdToken ? nonceOf(previousIdToken) : undefined;
      try {
        claims = await this.#verify(body.idToken, nonce);
      } catch (err) {
        // The rotated refresh token is already issued: failing here would lose it. The tokens came
        // from the token endpoint itself; only the unverifiable ID token is dropped.
        this.http.logger.warn(
          { error: (err as { code?: unknown })?.code ?? (err as Error)?.name },
          "intuit-oauth-client: a refreshed ID token could not be verified and was not kept",
        );
        if (previous.idToken) body.idToken = previous.idToken;
        else delete body.idToken;
      }
    }
    if (options.updateClient !== false) {
      this.#setToken(body);
      if (claims) this.#idTokenClaims = claims;
    }
    return body;
  }

  /**
   * Revokes a token; revoking either token of a grant disconnects the app. Without an argument,
   * revokes the client's refresh token (else its access token) and then clears the client's tokens.
   * Resolves `true`. Where Python returns False, this throws a typed {@link AuthClientError}: Intuit
   * answers an unknown or already-revoked token with HTTP 400 and an empty body (`statusCode` 400).
   * When that 400 answers a retry whose first attempt's answer was lost, the token is revoked and
   * this resolves `true`.
   */
  async revoke(token?: string, options: CallOptions = {}): Promise<true> {
    const value = token ?? this.#refreshToken ?? this.#accessToken;
    if (!value) throw new MissingTokenError("Token to revoke not specified");
    const fields: Record<string, string> = { token: value };
    const headers: Record<string, string> = {
      "content-type":
        this.#revokeFormat === "json" ? "application/json" : "application/x-www-form-urlencoded",
    };
    if (this.#authMethod === "client_secret_basic") headers["authorization"] = this.#basicAuth();
    else {
      fields["client_id"] = this.clientId;
      fields["client_secret"] = this.#clientSecret;
    }
    const body =
      this.#revokeFormat === "json" ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
    const res = await this.http.send({
      method: "POST",
      url: this.endpoints.revocationEndpoint,
      headers,
      body,
      idempotent: true,
      signal: options.signal,
    });
    // Intuit answers 400 with an empty body for a token it does not know (already revoked). After a
    // retry, that means the lost first attempt did the revoking: the caller's goal is met.
    const alreadyRevoked = res.status === 400 && res.body.length === 0 && res.attempts > 1;
    if ((res.status < 200 || res.status >= 300) && !alreadyRevoked)
      throw errorFromResponse(res, undefined, [value, this.#clientSecret]);
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
    const res = await this.http.send({
      method: "GET",
      url: this.endpoints.userinfoEndpoint,
      headers: { authorization: `Bearer ${token}` },
      idempotent: true,
      signal: options.signal,
    });
    const info = parseUserInfo(readJsonObject(res, [token]));
    const expected =
      options.expectedSubject ?? (token === this.#accessToken ? this.#idTokenClaims?.sub : undefined);
    if (expected !== undefined && info.sub !== expected)
      throw new UserInfoFormatError("userinfo sub does not match the ID token's sub");
    return info;
  }

  /**
   * Verifies an id token (the given one or the client's) and returns its claims: RS256 with a
   * key from the cached JWKS, issuer, audience, azp, expiry with tolerance and optional nonce.
   */
  validateIdToken(
    idToken?: string,
    options: { nonce?: string | undefined; clockTolerance?: number } = {},
  ): Promise<IdTokenClaims> {
    const token = idToken ?? this.#idToken;
    // Not an async function: with a warm JWKS this is a hot path, and one promise is enough.
    if (!token) return Promise.reject(new MissingTokenError("ID token not specified"));
    // The client's own token was issued for its own request: check it against that nonce.
    const nonce = options.nonce ?? (token === this.#idToken ? this.#idTokenNonce : undefined);
    return this.#verify(token, nonce, options.clockTolerance);
  }

  #verify(token: string, nonce: string | undefined, clockTolerance?: number): Promise<IdTokenClaims> {
    return verifyIdToken(
      token,
      this.endpoints.jwksUri,
      this.http,
      {
        issuer: this.endpoints.issuer,
        clientId: this.clientId,
        nonce,
        clockTolerance: clockTolerance ?? this.#clockTolerance,
        now: this.clock(),
      },
      this.#jwksOptions,
    );
  }

  /** Legacy OAuth 1.0a → 2.0 migration. Returns a token set with `realmId`. */
  async migrate(options: MigrateOptions): Promise<TokenSet> {
    const endpoint = this.endpoints.migrationEndpoint;
    if (!endpoint) throw new ConfigurationError("This environment has no migration endpoint");
    const res = await migrateOAuth1(this.http, endpoint, {
      ...options,
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      redirectUri: options.redirectUri ?? this.redirectUri,
    });
    const token = readTokenResponse(res, { receivedAt: this.clock() }, [
      options.accessSecret,
      this.#clientSecret,
    ]);
    if (options.updateClient !== false) this.#setToken(token);
    return token;
  }

  #tokenRequest(form: URLSearchParams, idempotent: boolean, signal: AbortSignal | undefined) {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (this.#authMethod === "client_secret_basic") headers["authorization"] = this.#basicAuth();
    else {
      form.set("client_id", this.clientId);
      form.set("client_secret", this.#clientSecret);
    }
    if (this.includeRefreshTokenHardExpiresIn) headers["x-include-refresh-token-hard-expires-in"] = "true";
    return this.http.send({
      method: "POST",
      url: this.endpoints.tokenEndpoint,
      headers,
      body: form.toString(),
      idempotent,
      signal,
    });
  }

  #basicAuth(): string {
    this.#basicAuthHeader ??= `Basic ${Buffer.from(`${this.clientId}:${this.#clientSecret}`).toString("base64")}`;
    return this.#basicAuthHeader;
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

  #rememberState(state: string): void {
    if (this.#usedStates.size >= MAX_USED_STATES) {
      const oldest = this.#usedStates.values().next().value;
      if (oldest !== undefined) this.#usedStates.delete(oldest);
    }
    this.#usedStates.add(state);
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

  [inspect.custom](): string {
    return `AuthClient ${inspect(this.toJSON())}`;
  }
}

/** The `nonce` claim of an ID token this client verified earlier, if it has one. */
function nonceOf(idToken: string): string | undefined {
  const nonce = decodePayloadUnverified(idToken)?.["nonce"];
  return typeof nonce === "string" ? nonce : undefined;
}
