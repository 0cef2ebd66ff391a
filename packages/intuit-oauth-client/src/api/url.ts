// Builds QuickBooks API URLs and decides where a Bearer token may go: each API (Accounting,
// Payments, GraphQL) has a base URL, and a call's final, parsed URL must stay on that API's origin
// and under its path prefix (`/v3/company/{realmId}/` for Accounting). Pure string work; sends nothing.
import { ConfigurationError, type ErrorParent } from "../common/errors.js";
import type { QuickBooksApi } from "../state/api-limits.js";
import { companySegment } from "./limits.js";

export type { QuickBooksApi } from "../state/api-limits.js";

/** Query values; `undefined` ones are left out. */
export type QueryValues = Record<string, string | number | boolean | undefined>;

/** Base URLs of the APIs (no trailing slash); only Accounting is required. */
export type ApiBases = { accounting: string } & Partial<Record<Exclude<QuickBooksApi, "accounting">, string>>;

/** A URL that would carry the Bearer token to a host that is not one of the API origins. */
export class ForbiddenOriginError extends (ConfigurationError as ErrorParent<typeof ConfigurationError>) {
  static override readonly code = "ERR_FORBIDDEN_ORIGIN";
  declare readonly code: "ERR_FORBIDDEN_ORIGIN";
}

/** What {@link apiUrl} needs besides the path. */
export interface ApiUrlOptions {
  /** Base URL of every API the helper may call. */
  bases: ApiBases;
  /** Which API a relative or absolute path is for. Default `accounting`. */
  api?: QuickBooksApi | undefined;
  realmId: string;
  query?: QueryValues | undefined;
  /** Added as `minorversion` to Accounting URLs that do not carry one; `false` adds none. */
  minorVersion: string | number | false;
  /** The call sends no credentials: any https (or loopback http) URL is allowed. */
  anonymous?: boolean | undefined;
}

// A helper's few base URLs are parsed once, not on every call (the request path's hot spot).
const parsedBases = new Map<string, { origin: string; pathname: string }>();

function parsedBase(base: string): { origin: string; pathname: string } {
  let parsed = parsedBases.get(base);
  if (!parsed) {
    const url = new URL(base);
    parsed = { origin: url.origin, pathname: url.pathname };
    if (parsedBases.size >= 256) parsedBases.clear();
    parsedBases.set(base, parsed);
  }
  return parsed;
}

/** The path prefix a Bearer call to `api` must stay under. */
function prefixOf(api: QuickBooksApi, base: string, realmId: string): string {
  const path = parsedBase(base).pathname.replace(/\/+$/, "");
  return api === "accounting" ? `${path}/v3/company/${encodeURIComponent(realmId)}/` : `${path}/`;
}

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function isDotSegment(segment: string): boolean {
  return /^(?:\.|%2e){1,2}$/i.test(segment);
}

/**
 * The URL of an API call. `path` is relative to the API's base (`customer/1` is under
 * `/v3/company/{realmId}/` for Accounting), absolute against its origin (`/v3/company/1/customer/1`),
 * or a full URL on one of the API origins. The decision is made on the parsed URL, so encoded dot
 * segments and backslashes cannot leave the realm; backslashes and dot segments are refused outright.
 *
 * @example
 * apiUrl("query?query=select * from Customer", { bases: { accounting: "https://quickbooks.api.intuit.com" }, realmId: "1", minorVersion: 75 });
 * // → { url: "https://quickbooks.api.intuit.com/v3/company/1/query?query=select%20*%20from%20Customer&minorversion=75", api: "accounting" }
 */
export function apiUrl(path: string, options: ApiUrlOptions): ApiUrl {
  return plainApiUrl(path, options) ?? parsedApiUrl(path, options);
}

/** Where an API call goes: its URL, its API, and (when known without parsing) its host and segment. */
export interface ApiUrl {
  url: string;
  api: QuickBooksApi | undefined;
  /** The URL's lower-case hostname, when the fast path knows it (the limits need no parse then). */
  host?: string | undefined;
  /** The lower-case path segment after `/v3/company/{realmId}/`, as `companySegment(url)` says. */
  segment?: string | undefined;
}

// A plain relative path: segments of ASCII letters, digits, `_` and `-` (`customer/1`,
// `companyinfo/9130350000000001`). Nothing in it can change when parsed, so it needs no URL parse.
const PLAIN_PATH = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/;

/** The Accounting prefix of one base and realm, parsed and checked once. */
interface PlainPrefix {
  /** `https://host/v3/company/{realmId}/`. */
  href: string;
  host: string;
}
const plainPrefixes = new Map<string, PlainPrefix | null>();

function plainPrefix(base: string, realmId: string, options: ApiUrlOptions): PlainPrefix | undefined {
  const key = `${base}\n${realmId}`;
  let prefix = plainPrefixes.get(key);
  if (prefix === undefined) {
    // Made by the parsing path itself, so the fast path can only say what it would have said; a
    // base with a query or fragment, or one that leaves the realm's prefix, gets no fast path.
    prefix = null;
    try {
      const probe = parsedApiUrl("x", { bases: options.bases, realmId, minorVersion: false });
      const url = new URL(probe.url);
      const clean = url.search === "" && url.hash === "" && probe.url.endsWith("/x");
      if (probe.api === "accounting" && clean && companySegment(probe.url) === "x")
        prefix = { href: probe.url.slice(0, -1), host: url.hostname.toLowerCase() };
    } catch {
      // The parsing path will give the caller its error.
    }
    if (plainPrefixes.size >= 256) plainPrefixes.clear();
    plainPrefixes.set(key, prefix);
  }
  return prefix ?? undefined;
}

/** The fast path of {@link apiUrl}: a plain relative Accounting path with no query, or undefined. */
function plainApiUrl(path: string, options: ApiUrlOptions): ApiUrl | undefined {
  if (
    options.query !== undefined ||
    options.anonymous ||
    (options.api !== undefined && options.api !== "accounting") ||
    typeof path !== "string" ||
    !PLAIN_PATH.test(path)
  )
    return undefined;
  const prefix = plainPrefix(options.bases.accounting, options.realmId, options);
  if (!prefix) return undefined;
  const slash = path.indexOf("/");
  const search =
    options.minorVersion === false ? "" : `?minorversion=${encodeURIComponent(String(options.minorVersion))}`;
  return {
    url: `${prefix.href}${path}${search}`,
    api: "accounting",
    host: prefix.host,
    segment: (slash === -1 ? path : path.slice(0, slash)).toLowerCase(),
  };
}

/** {@link apiUrl} by parsing the URL: every path the fast path does not take. Exported for tests. */
export function parsedApiUrl(path: string, options: ApiUrlOptions): ApiUrl {
  if (typeof path !== "string" || path.trim() === "") throw new ConfigurationError("path is required");
  const q = path.indexOf("?");
  const pathPart = q === -1 ? path : path.slice(0, q);
  const pathQuery = q === -1 ? "" : path.slice(q + 1);
  // URL parsing deletes TAB, CR and LF and trims other controls, so `%\t2f` would become `%2f` after
  // the checks below: controls are refused outright (and the parsed path is checked again).
  if (CONTROL.test(pathPart))
    throw new ConfigurationError(`path must not contain control characters: ${JSON.stringify(pathPart)}`);
  if (pathPart.includes("\\")) throw new ConfigurationError(`path must not contain a backslash: ${pathPart}`);
  // An encoded slash or backslash is a separator to some servers and not to URL parsing.
  if (/%2f|%5c/i.test(pathPart))
    throw new ConfigurationError(`path must not contain an encoded slash: ${pathPart}`);
  if (pathPart.split("/").some(isDotSegment))
    throw new ConfigurationError(`path must not contain "." or ".." segments: ${pathPart}`);
  const requested = options.api ?? "accounting";
  const base = options.bases[requested];
  if (!base) throw new ConfigurationError(`no base URL is configured for the ${requested} API`);
  const full = /^[a-z][a-z0-9+.-]*:/i.test(pathPart);
  let href: string;
  if (full) href = pathPart;
  else if (pathPart.startsWith("/")) href = `${parsedBase(base).origin}${pathPart}`;
  else
    href =
      requested === "accounting"
        ? `${base}/v3/company/${encodeURIComponent(options.realmId)}/${pathPart}`
        : `${base}/${pathPart}`;
  const url = new URL(href);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConfigurationError(`unsupported URL: ${href}`);
  const origin = url.origin;
  const pathname = url.pathname;
  if (/%2f|%5c/i.test(pathname))
    throw new ConfigurationError(`path must not contain an encoded slash: ${pathname}`);
  const api = options.anonymous
    ? apiOf(origin, pathname, options)
    : checkedApi(origin, pathname, full ? undefined : requested, options);
  const minor = options.minorVersion !== false && api === "accounting";
  // The common call: no query of its own, so only minorversion is added.
  if (pathQuery === "" && options.query === undefined) {
    const search = minor ? `?minorversion=${encodeURIComponent(String(options.minorVersion))}` : "";
    return { url: `${origin}${pathname}${search}`, api };
  }
  const pairs =
    pathQuery === ""
      ? []
      : pathQuery
          .split("&")
          .filter((p) => p !== "")
          .map(encodeLoosePair);
  const names = new Set(pairs.map((p) => p.name));
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value === undefined) continue;
    pairs.push({
      name: name.toLowerCase(),
      text: `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`,
    });
    names.add(name.toLowerCase());
  }
  if (minor && !names.has("minorversion")) {
    pairs.push({
      name: "minorversion",
      text: `minorversion=${encodeURIComponent(String(options.minorVersion))}`,
    });
  }
  const search = pairs.map((p) => p.text).join("&");
  return { url: `${origin}${pathname}${search ? `?${search}` : ""}`, api };
}

const APIS: readonly QuickBooksApi[] = ["accounting", "payments", "graphql"];

/** The API whose origin and prefix hold the URL, or undefined. */
function apiOf(origin: string, pathname: string, options: ApiUrlOptions): QuickBooksApi | undefined {
  for (const api of APIS) {
    const base = options.bases[api];
    if (!base || parsedBase(base).origin !== origin) continue;
    if (pathname.startsWith(prefixOf(api, base, options.realmId)) || pathname === parsedBase(base).pathname)
      return api;
  }
  return undefined;
}

/** The API a credentialed call goes to; throws unless the parsed URL stays inside it. */
function checkedApi(
  origin: string,
  pathname: string,
  requested: QuickBooksApi | undefined,
  options: ApiUrlOptions,
): QuickBooksApi {
  let first: QuickBooksApi | undefined;
  for (const api of APIS) {
    const base = options.bases[api];
    if (!base || parsedBase(base).origin !== origin || (requested !== undefined && api !== requested))
      continue;
    first ??= api;
    const exact = api === "graphql" && pathname === parsedBase(base).pathname.replace(/\/+$/, "");
    if (exact || pathname.startsWith(prefixOf(api, base, options.realmId))) return api;
  }
  if (first === undefined)
    throw new ForbiddenOriginError(
      `${origin} is not a QuickBooks API origin of this helper; the access token is sent only to those (pass auth: false for a URL that needs none, such as a TempDownloadUri)`,
    );
  throw new ConfigurationError(
    `path ${pathname} is outside ${prefixOf(first, options.bases[first] as string, options.realmId)}, where this helper's ${first} calls must stay`,
  );
}

/** Keeps an already-encoded pair as is and encodes what is not (spaces, quotes in a query). */
function encodeLoosePair(pair: string): { name: string; text: string } {
  const eq = pair.indexOf("=");
  const name = eq === -1 ? pair : pair.slice(0, eq);
  const value = eq === -1 ? undefined : pair.slice(eq + 1);
  const text = value === undefined ? encodeLoose(name) : `${encodeLoose(name)}=${encodeLoose(value)}`;
  return { name: safeDecode(name).toLowerCase(), text };
}

function encodeLoose(part: string): string {
  return encodeURIComponent(safeDecode(part));
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
