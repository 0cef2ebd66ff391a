// Where Intuit's endpoints are: the built-in sandbox and production metadata, explicit endpoint
// objects, and discovery documents (fetched only by AuthClient.create, cached per URL).
// Constructing a client never touches the network.
import { ConfigurationError, DiscoveryError } from "../http/errors.js";
import type { HttpClient } from "../http/request.js";

/** Every endpoint the client talks to. */
export interface IntuitEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
  /** OAuth 1.0a → 2.0 migration endpoint (legacy). */
  migrationEndpoint?: string | undefined;
  /** QuickBooks Accounting API base, e.g. `https://sandbox-quickbooks.api.intuit.com`. */
  apiBaseUrl?: string | undefined;
  /** QuickBooks Payments API base, e.g. `https://sandbox.api.intuit.com/quickbooks/v4`. */
  paymentsBaseUrl?: string | undefined;
  /** QuickBooks GraphQL endpoint, e.g. `https://qb-sandbox.api.intuit.com/graphql`. */
  graphqlUrl?: string | undefined;
}

/** Built-in environment names (case-insensitive), as in the Python client. */
export type EnvironmentName = "sandbox" | "sand" | "production" | "prod";

const INTUIT_ISSUER = "https://oauth.platform.intuit.com/op/v1";
const common = {
  issuer: INTUIT_ISSUER,
  authorizationEndpoint: "https://appcenter.intuit.com/connect/oauth2",
  tokenEndpoint: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revocationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
  jwksUri: "https://oauth.platform.intuit.com/op/v1/jwks",
};

/** Intuit's published metadata; sandbox and production differ only in userinfo (and API/migrate hosts). */
export const INTUIT_ENVIRONMENTS: Readonly<Record<"sandbox" | "production", Readonly<IntuitEndpoints>>> =
  Object.freeze({
    sandbox: Object.freeze({
      ...common,
      userinfoEndpoint: "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo",
      migrationEndpoint: "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate",
      apiBaseUrl: "https://sandbox-quickbooks.api.intuit.com",
      paymentsBaseUrl: "https://sandbox.api.intuit.com/quickbooks/v4",
      graphqlUrl: "https://qb-sandbox.api.intuit.com/graphql",
    }),
    production: Object.freeze({
      ...common,
      userinfoEndpoint: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
      migrationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
      apiBaseUrl: "https://quickbooks.api.intuit.com",
      paymentsBaseUrl: "https://api.intuit.com/quickbooks/v4",
      graphqlUrl: "https://qb.api.intuit.com/graphql",
    }),
  });

/** Intuit's discovery document URLs, for reference. */
export const DISCOVERY_URLS = Object.freeze({
  sandbox: "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration",
  production: "https://developer.api.intuit.com/.well-known/openid_configuration",
});

/** Maps `sandbox`/`sand`/`production`/`prod` (any case) to its canonical name, else undefined. */
export function builtInEnvironmentName(env: string): "sandbox" | "production" | undefined {
  const e = env.trim().toLowerCase();
  if (e === "sandbox" || e === "sand") return "sandbox";
  if (e === "production" || e === "prod") return "production";
  return undefined;
}

/** True for 127.0.0.0/8, `localhost` and `[::1]`: the only hosts allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h === "[::1]" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Throws unless `value` is an absolute https URL, or http on a loopback host. */
export function assertSafeUrl(value: unknown, what: string, ErrorClass = ConfigurationError): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ErrorClass(`${what} is not an absolute URL`);
  }
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url.href;
  if (url.protocol === "http:")
    throw new ErrorClass(`${what} uses plain http; only https (or http on 127.0.0.1/localhost) is allowed`);
  throw new ErrorClass(`${what} must be an https URL`);
}

const REQUIRED: ReadonlyArray<keyof IntuitEndpoints> = [
  "issuer",
  "authorizationEndpoint",
  "tokenEndpoint",
  "revocationEndpoint",
  "userinfoEndpoint",
  "jwksUri",
];

/** Validates an explicit endpoint object; every URL must be https (or loopback http). */
export function validateEndpoints(e: IntuitEndpoints, ErrorClass = ConfigurationError): IntuitEndpoints {
  if (typeof e !== "object" || e === null) throw new ErrorClass("endpoints must be an object");
  const out: IntuitEndpoints = { ...e };
  for (const key of REQUIRED) {
    if (typeof e[key] !== "string" || e[key] === "") throw new ErrorClass(`endpoints.${key} is required`);
    if (key !== "issuer") assertSafeUrl(e[key], `endpoints.${key}`, ErrorClass);
  }
  for (const key of ["migrationEndpoint", "apiBaseUrl", "paymentsBaseUrl", "graphqlUrl"] as const) {
    if (e[key] !== undefined) assertSafeUrl(e[key], `endpoints.${key}`, ErrorClass);
  }
  return out;
}

/** Intuit's one issuer, for sandbox and production alike. */
export const INTUIT_ISSUER_URL = INTUIT_ISSUER;

function isIntuitHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "intuit.com" || h.endsWith(".intuit.com");
}

/**
 * Where a discovery document may point: its own origin (Intuit's documents: any https
 * `*.intuit.com` host), plus origins the caller allowed explicitly. A loopback document (the
 * emulator, tests) may name Intuit's own issuer, so that ID tokens carry the issuer production does.
 */
function checkOrigins(
  endpoints: IntuitEndpoints,
  documentUrl: string,
  allowedOrigins: readonly string[],
): void {
  const doc = new URL(documentUrl);
  const intuit = doc.protocol === "https:" && isIntuitHost(doc.hostname);
  const allowed = new Set(allowedOrigins.map((o) => new URL(o).origin));
  const fits = (value: string) => {
    const u = new URL(value);
    if (allowed.has(u.origin)) return true;
    if (intuit) return u.protocol === "https:" && isIntuitHost(u.hostname);
    return u.origin === doc.origin;
  };
  const issuer = endpoints.issuer;
  let issuerUrl: URL;
  try {
    issuerUrl = new URL(issuer);
  } catch {
    throw new DiscoveryError(`Discovery document at ${documentUrl}: issuer is not an absolute URL`);
  }
  if (
    issuerUrl.protocol !== "https:" &&
    !(issuerUrl.protocol === "http:" && isLoopbackHost(issuerUrl.hostname))
  )
    throw new DiscoveryError(`Discovery document at ${documentUrl}: issuer must be https`);
  const emulatedIntuit = isLoopbackHost(doc.hostname) && issuer === INTUIT_ISSUER;
  if (!fits(issuer) && !emulatedIntuit)
    throw new DiscoveryError(
      `Discovery document at ${documentUrl}: issuer ${issuer} is not on the document's origin (pass allowedOrigins to accept it)`,
    );
  const fields: Array<[keyof IntuitEndpoints, string]> = [
    ["authorizationEndpoint", "authorization_endpoint"],
    ["tokenEndpoint", "token_endpoint"],
    ["revocationEndpoint", "revocation_endpoint"],
    ["userinfoEndpoint", "userinfo_endpoint"],
    ["jwksUri", "jwks_uri"],
    ["migrationEndpoint", "migration_endpoint"],
    ["apiBaseUrl", "quickbooks_api_base"],
    ["paymentsBaseUrl", "quickbooks_payments_base"],
    ["graphqlUrl", "quickbooks_graphql_endpoint"],
  ];
  for (const [key, wire] of fields) {
    const value = endpoints[key];
    if (value !== undefined && !fits(value))
      throw new DiscoveryError(
        `Discovery document at ${documentUrl}: ${wire} ${new URL(value).origin} is not on the document's origin (pass allowedOrigins to accept it)`,
      );
  }
}

/** Turns a discovery document into endpoints, validating it the way Intuit's .NET SDK does. */
export function endpointsFromDiscovery(
  doc: unknown,
  documentUrl: string,
  allowedOrigins: readonly string[] = [],
): IntuitEndpoints {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new DiscoveryError(`Discovery document at ${documentUrl} is not a JSON object`);
  const d = doc as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : undefined);
  const endpoints = {
    issuer: str("issuer") ?? "",
    authorizationEndpoint: str("authorization_endpoint") ?? "",
    tokenEndpoint: str("token_endpoint") ?? "",
    revocationEndpoint: str("revocation_endpoint") ?? "",
    userinfoEndpoint: str("userinfo_endpoint") ?? "",
    jwksUri: str("jwks_uri") ?? "",
    migrationEndpoint: str("migration_endpoint"),
    apiBaseUrl: str("quickbooks_api_base"),
    paymentsBaseUrl: str("quickbooks_payments_base"),
    graphqlUrl: str("quickbooks_graphql_endpoint"),
  };
  const valid = validateEndpoints(endpoints, DiscoveryError);
  checkOrigins(valid, documentUrl, allowedOrigins);
  return valid;
}

interface CacheEntry {
  expiresAt: number;
  promise: Promise<IntuitEndpoints>;
}
const discoveryCache = new Map<string, CacheEntry>();

/** Default time a discovery document is kept in the per-process cache. */
export const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * Fetches and validates a discovery document. Cached per URL in this process with a TTL;
 * concurrent callers share one fetch; a failure is not cached.
 */
export function discover(
  url: string,
  http: HttpClient,
  ttlMs = DISCOVERY_TTL_MS,
  allowedOrigins: readonly string[] = [],
): Promise<IntuitEndpoints> {
  const documentUrl = assertSafeUrl(url, "Discovery URL", DiscoveryError);
  for (const origin of allowedOrigins) assertSafeUrl(origin, "allowedOrigins entry");
  const now = Date.now();
  const cacheKey = allowedOrigins.length
    ? `${documentUrl} ${[...allowedOrigins].sort().join(" ")}`
    : documentUrl;
  const hit = discoveryCache.get(cacheKey);
  if (hit && hit.expiresAt > now) return hit.promise;
  const promise = (async () => {
    const res = await http.send({ method: "GET", url: documentUrl, idempotent: true });
    if (res.status !== 200)
      throw new DiscoveryError(
        `Discovery document at ${documentUrl} answered HTTP ${res.status}${res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : ""}`,
      );
    // Every answer's intuit_tid goes into the error, for a support ticket.
    const tid = res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : "";
    let doc: unknown;
    try {
      doc = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new DiscoveryError(`Discovery document at ${documentUrl} is not valid JSON${tid}`);
    }
    try {
      return endpointsFromDiscovery(doc, documentUrl, allowedOrigins);
    } catch (err) {
      if (err instanceof DiscoveryError && tid) throw new DiscoveryError(`${err.message}${tid}`);
      throw err;
    }
  })();
  discoveryCache.set(cacheKey, { expiresAt: now + ttlMs, promise });
  promise.catch(() => {
    if (discoveryCache.get(cacheKey)?.promise === promise) discoveryCache.delete(cacheKey);
  });
  return promise;
}

/** Empties the discovery cache (tests, or after changing an environment). */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}
