// OAuth/OpenID endpoints: discovery, token (code exchange and refresh), revoke, userinfo and JWKS.
import { createHash } from "node:crypto";
import { authenticateClient } from "./client-auth.js";
import type { EmulatorContext } from "./context.js";
import {
  emptyReply,
  header,
  jsonReply,
  oauthError,
  parseBodyParams,
  TOKEN_HEADERS,
  type EmulatorRequest,
  type Reply,
} from "./reply.js";
import {
  bearerToken,
  createGrant,
  grantForAccessToken,
  refreshGrant,
  revokeByToken,
  revokeGrant,
  tokenResponse,
} from "./tokens.js";

/** Paths Intuit and standard clients use for discovery; trailing slashes accepted too. */
export const DISCOVERY_PATHS = [
  "/.well-known/openid_configuration",
  "/.well-known/openid_sandbox_configuration",
  "/.well-known/openid-configuration",
];

const CODE_LIFETIME_MS = 5 * 60 * 1000;

/** The §1.2 document with every endpoint on the emulator, plus `migration_endpoint` and `quickbooks_api_base`. */
export function discoveryDocument(ctx: EmulatorContext): Record<string, unknown> {
  return {
    issuer: ctx.issuer,
    authorization_endpoint: `${ctx.url}/connect/oauth2`,
    token_endpoint: `${ctx.url}/oauth2/v1/tokens/bearer`,
    userinfo_endpoint: `${ctx.url}/v1/openid_connect/userinfo`,
    revocation_endpoint: `${ctx.url}/v2/oauth2/tokens/revoke`,
    jwks_uri: `${ctx.url}/op/v1/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "profile", "address", "phone"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    claims_supported: ["aud", "exp", "iat", "iss", "realmid", "sub"],
    migration_endpoint: `${ctx.url}/v2/oauth2/tokens/migrate`,
    quickbooks_api_base: ctx.url,
  };
}

/** `GET /.well-known/openid_configuration` (and its aliases). */
export function discovery(ctx: EmulatorContext): Reply {
  return jsonReply(200, discoveryDocument(ctx));
}

/** `GET /op/v1/jwks`: current key, plus the previous one after a rotation. */
export function jwks(ctx: EmulatorContext): Reply {
  return jsonReply(200, ctx.keys.jwks(), [
    ["content-type", "application/json;charset=UTF-8"],
    ["cache-control", "max-age=3600"],
  ]);
}

function wantsHardExpiry(req: EmulatorRequest): boolean {
  return (header(req, "x-include-refresh-token-hard-expires-in") ?? "").trim().toLowerCase() === "true";
}

/** `POST /oauth2/v1/tokens/bearer` */
export function token(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const params = Object.fromEntries(new URLSearchParams(req.body.toString("utf8")));
  const client = authenticateClient(ctx, header(req, "authorization"), params, true);
  if (!client) {
    const reply = oauthError(401, "invalid_client");
    reply.headers.push(["www-authenticate", 'Basic realm="Intuit"']);
    return reply;
  }
  const includeHardExpiry = wantsHardExpiry(req);
  if (params.grant_type === "authorization_code") {
    const { code, redirect_uri: redirectUri } = params;
    if (!code || !redirectUri) return oauthError(400, "invalid_request");
    const record = ctx.state.codes.get(code);
    if (!record || record.clientId !== client.clientId) return oauthError(400, "invalid_grant");
    if (record.grantId !== undefined) {
      // Intuit poisons the grant a reused code issued (§4.3).
      const grant = ctx.state.grants.get(record.grantId);
      if (grant) revokeGrant(ctx, grant);
      return oauthError(400, "invalid_grant");
    }
    if (ctx.clock.now() - record.createdAt > CODE_LIFETIME_MS) return oauthError(400, "invalid_grant");
    if (record.redirectUri !== redirectUri) return oauthError(400, "invalid_grant");
    if (record.codeChallenge !== undefined) {
      const verifier = params.code_verifier;
      const ok =
        verifier !== undefined &&
        createHash("sha256").update(verifier).digest("base64url") === record.codeChallenge;
      if (!ok) return oauthError(400, "invalid_grant", "PKCE verification failed");
    }
    const grant = createGrant(ctx, {
      clientId: client.clientId,
      userSub: record.userSub,
      scopes: record.scopes,
      ...(record.realmId !== undefined ? { realmId: record.realmId } : {}),
    });
    record.grantId = grant.id;
    const body = tokenResponse(ctx, grant, {
      includeHardExpiry,
      ...(record.nonce !== undefined ? { nonce: record.nonce } : {}),
    });
    return jsonReply(200, body, TOKEN_HEADERS);
  }
  if (params.grant_type === "refresh_token") {
    if (!params.refresh_token) return oauthError(400, "invalid_request");
    const grant = refreshGrant(ctx, params.refresh_token, client.clientId);
    if (!grant) return oauthError(400, "invalid_grant", "Token invalid");
    return jsonReply(200, tokenResponse(ctx, grant, { includeHardExpiry }), TOKEN_HEADERS);
  }
  if (!params.grant_type) return oauthError(400, "invalid_request");
  return oauthError(400, "unsupported_grant_type");
}

/**
 * `POST /v2/oauth2/tokens/revoke`: JSON or form body; revoking any token ends its whole grant. An unknown
 * or already-revoked token (or another client's) answers 400 with an empty body, as production reportedly
 * does (§14.2); `revokeUnknownToken: "200"` gives RFC 7009's 200 instead.
 */
export function revoke(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const client = authenticateClient(ctx, header(req, "authorization"), {}, false);
  if (!client) return oauthError(401, "invalid_client");
  const params = parseBodyParams(req);
  if (!params?.token) return oauthError(400, "invalid_request");
  if (revokeByToken(ctx, params.token, client.clientId)) return emptyReply(200);
  return emptyReply(ctx.settings.revokeUnknownToken === "200" ? 200 : 400);
}

/** `GET /v1/openid_connect/userinfo`: camelCase claims for the granted scopes. */
export function userinfo(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const grant = grantForAccessToken(ctx, bearerToken(header(req, "authorization")));
  if (!grant) {
    const reply = oauthError(401, "invalid_token", "Access token is invalid, expired or revoked");
    reply.headers.push(["www-authenticate", 'Bearer error="invalid_token"']);
    return reply;
  }
  if (!grant.scopes.includes("openid")) {
    const reply = oauthError(403, "insufficient_scope", "The openid scope was not granted");
    reply.headers.push(["www-authenticate", 'Bearer error="insufficient_scope", scope="openid"']);
    return reply;
  }
  const user = ctx.settings.users.find((u) => u.sub === grant.userSub) ?? ctx.settings.users[0];
  const has = (scope: string) => grant.scopes.includes(scope);
  const body: Record<string, unknown> = { sub: grant.userSub };
  if (user && has("email")) Object.assign(body, { email: user.email, emailVerified: user.emailVerified });
  if (user && has("profile")) Object.assign(body, { givenName: user.givenName, familyName: user.familyName });
  if (user && has("phone")) {
    Object.assign(body, { phoneNumber: user.phoneNumber, phoneNumberVerified: user.phoneNumberVerified });
  }
  if (user && has("address")) body.address = { ...user.address };
  return jsonReply(200, body);
}
