// OAuth1 → OAuth2 migration (POST /v2/oauth2/tokens/migrate): OAuth 1.0a header in, §4.2 tokens plus realmId out.
import { checkClient } from "./client-auth.js";
import type { EmulatorContext } from "./context.js";
import { parseScopes } from "./defaults.js";
import { verifyOAuth1 } from "./oauth1.js";
import {
  header,
  jsonReply,
  oauthError,
  parseBodyParams,
  TOKEN_HEADERS,
  type EmulatorRequest,
  type Reply,
} from "./reply.js";
import { createGrant, tokenResponse } from "./tokens.js";

/** Base string URI for the request: `http`, the Host header (lowercased, no default port), the path. */
function baseUri(req: EmulatorRequest): string {
  const host = (header(req, "host") ?? req.url.host).toLowerCase().replace(/:80$/, "");
  return `http://${host}${req.url.pathname}`;
}

/** `POST /v2/oauth2/tokens/migrate` */
export function migrate(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  let matched: (typeof ctx.settings.oauth1)[number] | undefined;
  const oauth = verifyOAuth1(
    header(req, "authorization"),
    req.method,
    baseUri(req),
    req.url.searchParams,
    (key, tok) => {
      matched = ctx.settings.oauth1.find((c) => c.consumerKey === key && c.accessToken === tok);
      return matched && { consumerSecret: matched.consumerSecret, tokenSecret: matched.accessSecret };
    },
  );
  if (!oauth || !matched) {
    const reply = oauthError(401, "invalid_client", "OAuth 1.0a signature verification failed");
    reply.headers.push(["www-authenticate", 'OAuth realm="Intuit"']);
    return reply;
  }
  const body = parseBodyParams(req);
  if (!body?.client_id || !body.client_secret || !body.scope || !body.redirect_uri) {
    return oauthError(400, "invalid_request");
  }
  const client = checkClient(ctx, body.client_id, body.client_secret);
  if (!client) return oauthError(401, "invalid_client");
  const scopes = parseScopes(body.scope);
  if (!scopes) return oauthError(400, "invalid_scope");
  const realmId = matched.realmId;
  const grant = createGrant(ctx, {
    clientId: client.clientId,
    userSub: ctx.settings.users[0]?.sub ?? "",
    scopes,
    realmId,
  });
  const includeHardExpiry =
    (header(req, "x-include-refresh-token-hard-expires-in") ?? "").trim().toLowerCase() === "true";
  return jsonReply(200, { ...tokenResponse(ctx, grant, { includeHardExpiry }), realmId }, TOKEN_HEADERS);
}
