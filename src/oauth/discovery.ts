// Discovery documents: fetched only by AuthClient.create, validated the way Intuit's .NET SDK does
// (plus our origin rule), and cached per URL by a DiscoveryCache that a caller may own.
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
 * kept. AuthClient.create uses one shared instance unless given its own.
 *
 * @example
 * const cache = new DiscoveryCache();
 * const client = await AuthClient.create({ ...options, environment: url, discoveryCache: cache });
 */
export class DiscoveryCache {
  readonly #entries = new Map<string, { expiresAt: number; promise: Promise<IntuitEndpoints> }>();

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

/** The cache AuthClient.create uses when given none. */
export const sharedDiscoveryCache = new DiscoveryCache();

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
