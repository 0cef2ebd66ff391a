// Where `qb.download()` may follow an attachment's TempDownloadUri: Intuit's file hosts (S3 buckets
// named `intuit-qbo-…`), the helper's own API origins (the emulator serves its files there), and
// what the app adds with `downloadHosts`. A link comes from an API answer a tenant can influence, so
// anything else is refused before a request is made. It decides nothing about credentials: a
// download never carries the Bearer token (the helper sends it with `auth: false`).
import { ConfigurationError } from "../common/errors.js";
import { assertSafeUrl } from "../oauth/environments.js";
import { ForbiddenOriginError } from "./url.js";

/**
 * Intuit's attachment hosts, as host patterns (https only). TempDownloadUris point at S3 buckets
 * named `intuit-qbo-<environment>-<n>` (e.g. `intuit-qbo-prod-30.s3.amazonaws.com`); the regional
 * S3 spellings are included because Intuit does not document which it uses.
 */
export const INTUIT_DOWNLOAD_HOSTS: readonly string[] = Object.freeze([
  "intuit-qbo-*.s3.amazonaws.com",
  "intuit-qbo-*.s3.*.amazonaws.com",
  "intuit-qbo-*.s3-*.amazonaws.com",
]);

/** One allowed place: an exact origin, or an https host pattern. */
type Rule = { origin: string } | { labels: readonly string[]; anySubdomain: boolean };

/**
 * Checks the `downloadHosts` option and returns the test a download link must pass. Entries are
 * host patterns (`files.example.com`; `*.example.com`, any subdomain; `bucket-*.example.com`, `*`
 * inside one label), which allow https on the default port, or origins (`http://127.0.0.1:9000`),
 * which allow exactly that origin (http only on loopback).
 */
export function downloadHostRule(
  apiBases: readonly string[],
  extra: readonly string[] | undefined,
): (link: URL) => boolean {
  if (extra !== undefined && !Array.isArray(extra))
    throw new ConfigurationError("downloadHosts must be an array of host patterns or origins");
  const rules: Rule[] = [
    ...apiBases.map((base) => ({ origin: new URL(base).origin })),
    ...[...INTUIT_DOWNLOAD_HOSTS, ...(extra ?? [])].map(parseRule),
  ];
  return (link) => rules.some((rule) => allows(rule, link));
}

function parseRule(entry: unknown): Rule {
  if (typeof entry !== "string" || entry.trim() === "")
    throw new ConfigurationError("each downloadHosts entry must be a host pattern or an origin");
  if (entry.includes("://")) {
    const url = new URL(assertSafeUrl(entry, "downloadHosts entry"));
    if (url.pathname !== "/" || url.search !== "" || url.hash !== "" || url.username !== "")
      throw new ConfigurationError(`downloadHosts entry ${entry} must be an origin, without a path`);
    return { origin: url.origin };
  }
  const host = entry.toLowerCase();
  const anySubdomain = host.startsWith("*.");
  const labels = (anySubdomain ? host.slice(2) : host).split(".");
  if (labels.length < 2 || labels.some((l) => !/^[a-z0-9-]*\*?[a-z0-9-]*$/.test(l) || l === ""))
    throw new ConfigurationError(
      `downloadHosts entry ${entry} is not a host pattern (e.g. files.example.com or *.example.com)`,
    );
  return { labels, anySubdomain };
}

function allows(rule: Rule, link: URL): boolean {
  if ("origin" in rule) return link.origin === rule.origin;
  if (link.protocol !== "https:" || link.port !== "") return false;
  const labels = link.hostname.toLowerCase().split(".");
  const tail = labels.slice(-rule.labels.length);
  if (tail.length !== rule.labels.length) return false;
  if (labels.length > rule.labels.length && !rule.anySubdomain) return false;
  if (labels.length === rule.labels.length && rule.anySubdomain) return false;
  return rule.labels.every((pattern, i) => labelMatches(pattern, tail[i] as string));
}

/** `pattern` is a label with at most one `*`, which stands for one or more characters. */
function labelMatches(pattern: string, label: string): boolean {
  const star = pattern.indexOf("*");
  if (star === -1) return pattern === label;
  const before = pattern.slice(0, star);
  const after = pattern.slice(star + 1);
  return label.length > before.length + after.length && label.startsWith(before) && label.endsWith(after);
}

/** Throws ForbiddenOriginError unless `link` may be downloaded from. */
export function assertDownloadHost(link: URL, allowed: (link: URL) => boolean): void {
  if (!allowed(link))
    throw new ForbiddenOriginError(
      `${link.origin} is not one of Intuit's attachment hosts or this helper's API origins; qb.download() follows a TempDownloadUri only there (add a host with the downloadHosts option)`,
    );
}
