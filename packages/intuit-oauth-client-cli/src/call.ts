// `intuit-oauth-client-cli call <path>`: a GET of a QuickBooks API path with the stored token.
// `call` goes through the library's QuickBooks API helper (tokens.api); the demo uses the raw GET
// helpers here, to show the tutorial's Bearer header as it is.
import { parseFault, type AuthClient, type TokenManager, quickbooks } from "intuit-oauth-client";
import { chooseStoredRealm, UsageError } from "./config.js";

/** What a GET of the QuickBooks API answered. */
export interface ApiAnswer {
  status: number;
  body: string;
  intuitTid: string | undefined;
}

/** The absolute URL of an API path, with `{realmId}` filled in. */
export function apiUrl(client: AuthClient, path: string, realmId: string): string {
  if (!path.startsWith("/")) throw new UsageError(`The API path must start with "/": ${path}`);
  const base = client.apiBaseUrl;
  if (!base) throw new UsageError("This environment has no QuickBooks API base URL");
  return base.replace(/\/+$/, "") + path.replaceAll("{realmId}", encodeURIComponent(realmId));
}

/** One GET with a Bearer token; any status resolves. */
export async function apiGet(client: AuthClient, url: string, accessToken: string): Promise<ApiAnswer> {
  const res = await client.http.send({
    method: "GET",
    url,
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
    idempotent: true,
  });
  return { status: res.status, body: new TextDecoder().decode(res.body), intuitTid: res.intuitTid };
}

/** The QuickBooks `Fault` message of an error body, if it has one. */
export function faultMessage(body: string): string | undefined {
  // Any shape Intuit sends: capitalised or lower-case JSON (the gateway's 401), or XML.
  const first = parseFault(body)?.errors[0];
  if (!first) return undefined;
  return [first.message, first.detail, first.code ? `code ${first.code}` : undefined]
    .filter(Boolean)
    .join(" - ");
}

/**
 * Checks a `call` path before anything is sent. Like `quickbooks(tokens, realmId).get`, a path without a
 * leading "/" is relative to `/v3/company/{realmId}/`. A full URL is refused: the stored token goes
 * only to the environment's API host.
 */
export function checkApiPath(path: string | undefined): string {
  if (!path || path.trim() === "") throw new UsageError("call needs an API path, e.g. companyinfo/{realmId}");
  if (/^[a-z][a-z\d+.-]*:/i.test(path) || path.startsWith("//"))
    throw new UsageError(
      `call takes an API path, not a URL: ${path} (e.g. companyinfo/{realmId} or /v3/company/{realmId}/…)`,
    );
  if (
    path
      .split(/[?#]/)[0]!
      .split("/")
      .some((s) => s === "." || s === ".." || /^%2e%2e?$/i.test(s))
  )
    throw new UsageError(`The API path must not contain "." or ".." segments: ${path}`);
  return path;
}

/** GETs a path from {@link checkApiPath} for the realm with the QuickBooks API helper (refreshes once on a 401). */
export async function callApi(
  tokens: TokenManager,
  path: string,
  realm: string | undefined,
): Promise<string> {
  const realmId = await chooseStoredRealm(tokens.store, realm);
  const filled = path.replaceAll("{realmId}", encodeURIComponent(realmId));
  return quickbooks(tokens, realmId).request({ path: filled, responseType: "text" });
}

/** Pretty-prints JSON, leaves anything else as it is. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
