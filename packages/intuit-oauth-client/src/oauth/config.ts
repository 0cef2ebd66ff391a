// The protocol layer's one piece of state: a frozen config holding the endpoints, the client's
// credentials (inside ClientAuth), the HTTP client, the clock, and what the config owns: its JWKS
// cache and its record of used callbacks. Every protocol function takes it; none keeps anything else.
import { ConfigurationError } from "../common/errors.js";
import { nonNegativeMs, nonNegativeSeconds, positiveInt, positiveMs } from "../common/options.js";
import { HttpClient, type HttpOptions } from "../http/request.js";
import { ClientAuth, type TokenEndpointAuthMethod } from "./client-auth.js";
import {
  assertSafeUrl,
  builtInEnvironmentName,
  INTUIT_ENVIRONMENTS,
  validateEndpoints,
  type EnvironmentName,
  type IntuitEndpoints,
} from "./environments.js";
import { DEFAULT_JWKS_OPTIONS, JwksCache, type JwksCacheOptions } from "./jwks.js";
import { DEFAULT_STATE_TTL_MS, UsedCallbacks, type CallbackStore } from "./single-use.js";

/** What a config is made from. */
export interface OAuthConfigOptions extends HttpOptions {
  clientId: string;
  clientSecret: string;
  /** Must exactly match a redirect URI registered for the app. */
  redirectUri: string;
  /** `"sandbox"`, `"sand"`, `"production"`, `"prod"` or an endpoint object. */
  environment: EnvironmentName | (string & {}) | IntuitEndpoints;
  /** Send `x-include-refresh-token-hard-expires-in: true` to learn the five-year cap. */
  includeRefreshTokenHardExpiresIn?: boolean;
  /** How the client authenticates at the token and revoke endpoints. Default `client_secret_basic`. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Body format of revoke requests. Intuit's SDKs send JSON (default); Java sends a form. */
  revokeBodyFormat?: "json" | "form";
  /** Clock skew tolerated in ID-token time checks (`exp`, `iat`), in seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** JWKS cache tuning. */
  jwks?: JwksCacheOptions;
  /**
   * Where signing keys are cached. Default: this config's own cache. To share keys and fetches
   * between clients, pass one cache to each, or `JwksCache.shared` for the whole process.
   */
  jwksCache?: JwksCache;
  /**
   * Where used states and codes are also recorded, so a callback is exchanged once across every
   * server sharing the store (a `StateStore`: memory, file, Redis, PostgreSQL). Without one, the
   * config's own record refuses a reuse in this process only.
   */
  stateStore?: CallbackStore;
  /** How long a used state or code is remembered, ms. Default one day. */
  stateTtlMs?: number;
  /** The current time in ms; injectable for tests and emulators. Default `Date.now`. */
  clock?: () => number;
}

/** Everything the protocol functions need. Frozen; the secret is inside `auth`. */
export interface OAuthConfig {
  readonly clientId: string;
  readonly redirectUri: string;
  /** `sandbox`, `production`, or `custom`. */
  readonly environment: "sandbox" | "production" | "custom";
  readonly endpoints: Readonly<IntuitEndpoints>;
  readonly http: HttpClient;
  readonly auth: ClientAuth;
  readonly clock: () => number;
  readonly clockToleranceSeconds: number;
  readonly includeRefreshTokenHardExpiresIn: boolean;
  readonly revokeBodyFormat: "json" | "form";
  readonly jwksCache: JwksCache;
  readonly jwksOptions: Required<JwksCacheOptions>;
  /** The states and codes this config has exchanged (and its shared store): each is used once. */
  readonly usedCallbacks: UsedCallbacks;
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new ConfigurationError(`${name} is required`);
  return value;
}

/** Validates options into a config. No network: a discovery URL must be resolved first. */
export function createOAuthConfig(options: OAuthConfigOptions): OAuthConfig {
  if (typeof options !== "object" || options === null)
    throw new ConfigurationError("AuthClient options are required");
  const clientId = requireString(options.clientId, "clientId");
  const clientSecret = requireString(options.clientSecret, "clientSecret");
  assertSafeUrl(requireString(options.redirectUri, "redirectUri"), "redirectUri");
  // RFC 6749 §3.1.2: a redirection URI must not include a fragment.
  if (options.redirectUri.includes("#"))
    throw new ConfigurationError("redirectUri must not contain a #fragment");
  const env = options.environment;
  let environment: OAuthConfig["environment"];
  let endpoints: Readonly<IntuitEndpoints>;
  if (typeof env === "string") {
    const name = builtInEnvironmentName(env);
    if (!name)
      throw new ConfigurationError(
        `environment "${env}" is not sandbox or production. For a discovery document URL use ` +
          "`await AuthClient.create({ ...options, environment: url })`, which fetches it once.",
      );
    environment = name;
    endpoints = INTUIT_ENVIRONMENTS[name];
  } else if (typeof env === "object" && env !== null) {
    environment = "custom";
    endpoints = Object.freeze(validateEndpoints(env));
  } else {
    throw new ConfigurationError(
      "environment is required: sandbox, production, an endpoint object, or a discovery URL",
    );
  }
  const clock = options.clock ?? Date.now;
  const stateStore = options.stateStore;
  if (
    stateStore !== undefined &&
    typeof (stateStore as Partial<CallbackStore> | null)?.consume !== "function"
  )
    throw new ConfigurationError("stateStore must be a StateStore (an object with a consume method)");
  return Object.freeze({
    clientId,
    // Keep the exact string the user registered; URL normalisation could add a trailing slash.
    redirectUri: options.redirectUri,
    environment,
    endpoints,
    http: new HttpClient(options),
    auth: new ClientAuth(clientId, clientSecret, options.tokenEndpointAuthMethod),
    clock,
    clockToleranceSeconds: nonNegativeSeconds("clockToleranceSeconds", options.clockToleranceSeconds, 30),
    includeRefreshTokenHardExpiresIn: options.includeRefreshTokenHardExpiresIn ?? false,
    revokeBodyFormat: options.revokeBodyFormat ?? "json",
    jwksCache: options.jwksCache ?? new JwksCache(),
    jwksOptions: jwksOptions(options.jwks),
    usedCallbacks: new UsedCallbacks({
      clock,
      ttlMs: positiveInt("stateTtlMs", options.stateTtlMs, DEFAULT_STATE_TTL_MS),
      store: stateStore,
    }),
  });
}

/** The JWKS cache tuning with defaults, each value checked (`jwks.maxAgeMs`, …). */
function jwksOptions(jwks: JwksCacheOptions | undefined): Required<JwksCacheOptions> {
  if (jwks === undefined) return DEFAULT_JWKS_OPTIONS;
  if (typeof jwks !== "object" || jwks === null) throw new ConfigurationError("jwks must be an object");
  return {
    maxAgeMs: positiveMs("jwks.maxAgeMs", jwks.maxAgeMs, DEFAULT_JWKS_OPTIONS.maxAgeMs),
    cooldownMs: nonNegativeMs("jwks.cooldownMs", jwks.cooldownMs, DEFAULT_JWKS_OPTIONS.cooldownMs),
    timeoutMs: positiveMs("jwks.timeoutMs", jwks.timeoutMs, DEFAULT_JWKS_OPTIONS.timeoutMs),
  };
}
