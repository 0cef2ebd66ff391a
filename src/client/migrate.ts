// Legacy OAuth 1.0a → 2.0 migration: one signed POST. The JSON body is not part of the signature.
import type { HttpClient, HttpResponse } from "../http/request.js";
import { oauth1AuthorizationHeader } from "./oauth1.js";
import { formatScopes, type ScopeLike } from "./scopes.js";

/** OAuth 1.0a credentials of a connection to migrate. */
export interface MigrateOptions {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessSecret: string;
  scopes: readonly ScopeLike[];
  /** Defaults to the client's redirect URI. */
  redirectUri?: string;
  signal?: AbortSignal;
  updateClient?: boolean;
}

export function migrateOAuth1(
  http: HttpClient,
  endpoint: string,
  o: MigrateOptions & { clientId: string; clientSecret: string; redirectUri: string },
): Promise<HttpResponse> {
  const authorization = oauth1AuthorizationHeader({
    method: "POST",
    url: endpoint,
    consumerKey: o.consumerKey,
    consumerSecret: o.consumerSecret,
    token: o.accessToken,
    tokenSecret: o.accessSecret,
  });
  // Key order as documented: scope, redirect_uri, client_id, client_secret.
  const body = JSON.stringify({
    scope: formatScopes(o.scopes),
    redirect_uri: o.redirectUri,
    client_id: o.clientId,
    client_secret: o.clientSecret,
  });
  return http.send({
    method: "POST",
    url: endpoint,
    headers: { authorization, "content-type": "application/json" },
    body,
    idempotent: false,
    signal: o.signal,
  });
}
