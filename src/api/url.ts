// Builds QuickBooks API URLs: company-relative paths, absolute paths, full URLs, query values and
// the default `minorversion`. Pure string work; it sends nothing.
import { ConfigurationError } from "../http/errors.js";

/** Query values; `undefined` ones are left out. */
export type QueryValues = Record<string, string | number | boolean | undefined>;

/** What {@link apiUrl} needs besides the path. */
export interface ApiUrlOptions {
  baseUrl: string;
  realmId: string;
  query?: QueryValues | undefined;
  /** Added as `minorversion` to `/v3/` URLs that do not carry one; `false` adds none. */
  minorVersion: string | number | false;
}

/**
 * The URL of an API call. `path` is relative to `/v3/company/{realmId}/` (`customer/1`), absolute
 * against the base URL (`/v3/company/1/customer/1`), or a full `https://` URL. Dot segments are
 * refused so that a value spliced into a path cannot leave the company.
 *
 * @example
 * apiUrl("query?query=select * from Customer", { baseUrl: "https://quickbooks.api.intuit.com", realmId: "1", minorVersion: 75 });
 * // → "https://quickbooks.api.intuit.com/v3/company/1/query?query=select%20*%20from%20Customer&minorversion=75"
 */
export function apiUrl(path: string, options: ApiUrlOptions): string {
  if (typeof path !== "string" || path.trim() === "") throw new ConfigurationError("path is required");
  const q = path.indexOf("?");
  const pathPart = q === -1 ? path : path.slice(0, q);
  const pathQuery = q === -1 ? "" : path.slice(q + 1);
  let href: string;
  if (/^https?:\/\//i.test(pathPart)) {
    href = pathPart;
  } else {
    const base = options.baseUrl.replace(/\/+$/, "");
    href = pathPart.startsWith("/")
      ? `${base}${pathPart}`
      : `${base}/v3/company/${encodeURIComponent(options.realmId)}/${pathPart}`;
  }
  if (
    pathPart.split("/").some((segment) => segment === "." || segment === ".." || /^%2e%2e?$/i.test(segment))
  )
    throw new ConfigurationError(`path must not contain "." or ".." segments: ${pathPart}`);
  const url = new URL(href);
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConfigurationError(`unsupported URL: ${href}`);
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
  if (options.minorVersion !== false && url.pathname.startsWith("/v3/") && !names.has("minorversion")) {
    pairs.push({
      name: "minorversion",
      text: `minorversion=${encodeURIComponent(String(options.minorVersion))}`,
    });
  }
  const search = pairs.map((p) => p.text).join("&");
  return `${url.origin}${url.pathname}${search ? `?${search}` : ""}`;
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
