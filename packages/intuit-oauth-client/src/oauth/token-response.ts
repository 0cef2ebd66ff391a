// Turning Intuit's HTTP answers into token sets or typed errors. Shared by the code exchange,
// refresh, migrate, revoke and userinfo calls. Never lets a SyntaxError or TypeError escape.
import { IntuitOAuthError } from "../common/errors.js";
import { AuthClientError, InvalidGrantError, type HttpErrorDetails } from "./errors.js";
import { bodyText, type HttpResponse } from "../http/request.js";
import {
  redactTokenSet,
  tokenSetFromResponse,
  type TokenResponseFields,
  type TokenSet,
} from "./token-set.js";

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Values a request carried, to remove from anything kept about its answer. */
export type SentSecrets = readonly (string | undefined)[] | undefined;

function details(res: HttpResponse, text: string, json: unknown, sent: SentSecrets): HttpErrorDetails {
  const o =
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : {};
  return {
    statusCode: res.status,
    content: text,
    headers: res.headers,
    intuitTid: res.intuitTid,
    timestamp: res.date,
    error: typeof o["error"] === "string" ? o["error"] : undefined,
    errorDescription: typeof o["error_description"] === "string" ? o["error_description"] : undefined,
    sent,
  };
}

/** The typed error for a failed answer; `invalid_grant` gets its own class. */
export function errorFromResponse(res: HttpResponse, message?: string, sent?: SentSecrets): AuthClientError {
  const text = bodyText(res);
  const d = details(res, text, parseJson(text), sent);
  return d.error === "invalid_grant" ? new InvalidGrantError(d, message) : new AuthClientError(d, message);
}

/** A 200 whose body cannot be used. */
function invalidResponse(res: HttpResponse, text: string, why: string, sent: SentSecrets): AuthClientError {
  // spread-ok: the error path only
  const d = { ...details(res, text, undefined, sent), error: "invalid_response", errorDescription: why };
  return new AuthClientError(
    d,
    `HTTP status ${res.status}, invalid response: ${why}, intuit_tid ${res.intuitTid ?? "None"} at time ${res.date ?? "None"}`,
  );
}

/** Reads a JSON object from a 200 answer, or throws a typed error. */
export function readJsonObject(res: HttpResponse, sent?: SentSecrets): Record<string, unknown> {
  if (res.status !== 200) throw errorFromResponse(res, undefined, sent);
  const text = bodyText(res);
  const json = parseJson(text);
  if (json === undefined) throw invalidResponse(res, text, "the body is not JSON", sent);
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw invalidResponse(res, text, "the body is not a JSON object", sent);
  return json as Record<string, unknown>;
}

/**
 * Reads a token endpoint answer into a token set that prints redacted (it reaches user code from
 * every protocol function that returns one), or throws a typed error.
 */
export function readTokenResponse(
  res: HttpResponse,
  fields: Omit<TokenResponseFields, "body" | "intuitTid">,
  sent?: SentSecrets,
): TokenSet {
  const body = readJsonObject(res, sent);
  if (typeof body["error"] === "string") throw errorFromResponse(res, undefined, sent);
  if (typeof body["access_token"] !== "string" || body["access_token"] === "")
    throw invalidResponse(res, bodyText(res), "the body has no access_token", sent);
  try {
    // An explicit literal, not `{ ...fields, body, intuitTid }` (a slow spread in Node 20's V8).
    return redactTokenSet(
      tokenSetFromResponse({
        body,
        receivedAt: fields.receivedAt,
        intuitTid: res.intuitTid,
        realmId: fields.realmId,
        previous: fields.previous,
      }),
    );
  } catch (err) {
    if (err instanceof IntuitOAuthError) throw invalidResponse(res, bodyText(res), err.message, sent);
    throw err;
  }
}
