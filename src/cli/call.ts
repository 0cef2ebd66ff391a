// `intuit-oauth call <path>`: a GET of a QuickBooks API path with the stored token.
// Uses authClient.http directly (the QuickBooks API helper of src/api had not landed when this was written).
import { AuthClientError, type AuthClient, type TokenManager } from "../index.js";
import { chooseRealm, UsageError } from "./config.js";

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
  return { status: res.status, body: res.body.toString("utf8"), intuitTid: res.intuitTid };
}

/** The QuickBooks `Fault` message of an error body, if it has one. */
export function faultMessage(body: string): string | undefined {
  try {
    const fault = (
      JSON.parse(body) as { Fault?: { Error?: Array<{ Message?: string; Detail?: string; code?: string }> } }
    ).Fault;
    const first = fault?.Error?.[0];
    if (!first) return undefined;
    return [first.Message, first.Detail, first.code ? `code ${first.code}` : undefined]
      .filter(Boolean)
      .join(" - ");
  } catch {
    return undefined;
  }
}

function apiError(answer: ApiAnswer, headers: Record<string, string> = {}): AuthClientError {
  const fault = faultMessage(answer.body);
  return new AuthClientError(
    { statusCode: answer.status, content: answer.body, headers, intuitTid: answer.intuitTid },
    `QuickBooks API answered HTTP ${answer.status}${fault ? `: ${fault}` : ""}`,
  );
}

/** GETs `path` for the realm, refreshing once on a 401. Resolves with the body of a 2xx answer. */
export async function callApi(
  tokens: TokenManager,
  path: string,
  realm: string | undefined,
): Promise<string> {
  const realmId = chooseRealm(await tokens.store.list(), realm);
  const url = apiUrl(tokens.authClient, path, realmId);
  let accessToken = await tokens.getAccessToken(realmId);
  let answer = await apiGet(tokens.authClient, url, accessToken);
  if (answer.status === 401) {
    accessToken = (await tokens.refresh(realmId, { rejectedAccessToken: accessToken })).accessToken;
    answer = await apiGet(tokens.authClient, url, accessToken);
  }
  if (answer.status < 200 || answer.status >= 300) throw apiError(answer);
  return answer.body;
}

/** Pretty-prints JSON, leaves anything else as it is. */
export function prettyBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
