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
    }),
    production: Object.freeze({
      ...common,
      userinfoEndpoint: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
      migrationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
      apiBaseUrl: "https://quickbooks.api.intuit.com",
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
  for (const key of ["migrationEndpoint", "apiBaseUrl"] as const) {
    if (e[key] !== undefined) assertSafeUrl(e[key], `endpoints.${key}`, ErrorClass);
  }
  return out;
}

/** Turns a discovery document into endpoints, validating it the way Intuit's .NET SDK does. */
export function endpointsFromDiscovery(doc: unknown, documentUrl: string): IntuitEndpoints {
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
  };
  return validateEndpoints(endpoints, DiscoveryError);
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
export function discover(url: string, http: HttpClient, ttlMs = DISCOVERY_TTL_MS): Promise<IntuitEndpoints> {
  const documentUrl = assertSafeUrl(url, "Discovery URL", DiscoveryError);
  const now = Date.now();
  const hit = discoveryCache.get(documentUrl);
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
      return endpointsFromDiscovery(doc, documentUrl);
    } catch (err) {
      if (err instanceof DiscoveryError && tid) throw new DiscoveryError(`${err.message}${tid}`);
      throw err;
    }
  })();
  discoveryCache.set(documentUrl, { expiresAt: now + ttlMs, promise });
  promise.catch(() => {
    if (discoveryCache.get(documentUrl)?.promise === promise) discoveryCache.delete(documentUrl);
  });
  return promise;
}

/** Empties the discovery cache (tests, or after changing an environment). */
export function clearDiscoveryCache(): void {
  discoveryCache.clear();
}
