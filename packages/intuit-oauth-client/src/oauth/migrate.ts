// Legacy OAuth 1.0a → 2.0 migration: one signed POST. The JSON body is not part of the signature.
import { ConfigurationError } from "../common/errors.js";
import type { OAuthConfig } from "./config.js";
import { readTokenResponse } from "./token-response.js";
import type { TokenSet } from "./token-set.js";
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

/** Exchanges OAuth 1.0a credentials for an OAuth 2.0 token set (with Intuit's `realmId`). */
export async function migrateOAuth1(config: OAuthConfig, o: MigrateOptions): Promise<TokenSet> {
  const endpoint = config.endpoints.migrationEndpoint;
  if (!endpoint) throw new ConfigurationError("This environment has no migration endpoint");
  const authorization = oauth1AuthorizationHeader({
    method: "POST",
    url: endpoint,
    consumerKey: o.consumerKey,
    consumerSecret: o.consumerSecret,
    token: o.accessToken,
    tokenSecret: o.accessSecret,
  });
  // Key order as documented: scope, redirect_uri, client_id, client_secret.
  const fields: Record<string, string> = {
    scope: formatScopes(o.scopes),
    redirect_uri: o.redirectUri ?? config.redirectUri,
  };
  config.auth.addFields(fields);
  const res = await config.http.send({
    method: "POST",
    url: endpoint,
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify(fields),
    idempotent: false,
    signal: o.signal,
  });
  return readTokenResponse(res, { receivedAt: config.clock() }, [
    o.accessSecret,
    o.consumerSecret,
    ...config.auth.secretValues(),
  ]);
}
