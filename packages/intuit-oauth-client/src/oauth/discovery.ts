// Discovery documents: fetched only by AuthClient.create (or discoverEndpoints), validated the way
// Intuit's .NET SDK does (plus our origin rule), and cached per URL only in a DiscoveryCache that the
// caller passes: its own, or DiscoveryCache.shared for the whole process.
import { nonNegativeMs } from "../common/options.js";
import { DiscoveryError } from "./errors.js";
import { bodyText, type HttpClient } from "../http/request.js";
import {
  assertSafeUrl,
  INTUIT_ISSUER,
  isLoopbackHost,
  validateEndpoints,
  type IntuitEndpoints,
} from "./environments.js";

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

/** Default time a discovery document is kept in a cache. */
export const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * Discovery documents by URL, with a TTL; concurrent callers share one fetch; a failure is not
 * kept. AuthClient.create fetches the document each time unless given a cache: one the caller owns,
 * or {@link DiscoveryCache.shared} for the whole process.
 *
 * @example
 * const discoveryCache = new DiscoveryCache();
 * const client = await AuthClient.create({ ...options, environment: url, discoveryCache });
 */
export class DiscoveryCache {
  static #shared: DiscoveryCache | undefined;
  readonly #entries = new Map<string, { expiresAt: number; promise: Promise<IntuitEndpoints> }>();

  /** One cache for the whole process, for callers that opt in (`discoveryCache: DiscoveryCache.shared`). */
  static get shared(): DiscoveryCache {
    return (DiscoveryCache.#shared ??= new DiscoveryCache());
  }

  /** Fetches and validates a document, or answers from the cache. */
  discover(
    url: string,
    http: HttpClient,
    options: { ttlMs?: number | undefined; allowedOrigins?: readonly string[] | undefined } = {},
  ): Promise<IntuitEndpoints> {
    const documentUrl = assertSafeUrl(url, "Discovery URL", DiscoveryError);
    const ttlMs = nonNegativeMs("ttlMs", options.ttlMs, DISCOVERY_TTL_MS);
    const allowedOrigins = options.allowedOrigins ?? [];
    for (const origin of allowedOrigins) assertSafeUrl(origin, "allowedOrigins entry");
    const now = Date.now();
    const key = allowedOrigins.length
      ? `${documentUrl} ${[...allowedOrigins].sort().join(" ")}`
      : documentUrl;
    const hit = this.#entries.get(key);
    if (hit && hit.expiresAt > now) return hit.promise;
    const promise = fetchDocument(documentUrl, http, allowedOrigins);
    this.#entries.set(key, { expiresAt: now + ttlMs, promise });
    promise.catch(() => {
      if (this.#entries.get(key)?.promise === promise) this.#entries.delete(key);
    });
    return promise;
  }

  /** Forgets every document. */
  clear(): void {
    this.#entries.clear();
  }
}

/** Options of {@link discoverEndpoints}. */
export interface DiscoverOptions {
  /** Answer from, and keep the document in, this cache. Default: none (one fetch). */
  cache?: DiscoveryCache | undefined;
  /** How long the cache keeps the document, ms (0: fetched every time). Default one hour. */
  ttlMs?: number | undefined;
  /** Origins the document may point at besides its own (an explicit, rare switch). */
  allowedOrigins?: readonly string[] | undefined;
}

/**
 * Fetches and validates a discovery document into endpoints for `createOAuthConfig`.
 *
 * @example
 * const endpoints = await discoverEndpoints(DISCOVERY_URLS.sandbox, new HttpClient());
 * const config = createOAuthConfig({ clientId, clientSecret, redirectUri, environment: endpoints });
 */
export async function discoverEndpoints(
  url: string,
  http: HttpClient,
  options: DiscoverOptions = {},
): Promise<IntuitEndpoints> {
  // Without a cache, a cache of one call: the same checks and the same single fetch.
  return (options.cache ?? new DiscoveryCache()).discover(url, http, options);
}

async function fetchDocument(
  documentUrl: string,
  http: HttpClient,
  allowedOrigins: readonly string[],
): Promise<IntuitEndpoints> {
  const res = await http.send({ method: "GET", url: documentUrl, idempotent: true });
  // Every answer's intuit_tid goes into the error, for a support ticket.
  const tid = res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : "";
  if (res.status !== 200)
    throw new DiscoveryError(`Discovery document at ${documentUrl} answered HTTP ${res.status}${tid}`);
  let doc: unknown;
  try {
    doc = JSON.parse(bodyText(res));
  } catch {
    throw new DiscoveryError(`Discovery document at ${documentUrl} is not valid JSON${tid}`);
  }
  try {
    return endpointsFromDiscovery(doc, documentUrl, allowedOrigins);
  } catch (err) {
    if (err instanceof DiscoveryError && tid) throw new DiscoveryError(`${err.message}${tid}`);
    throw err;
  }
}
