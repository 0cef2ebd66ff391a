// Token rules: grants, access/refresh/ID tokens, Intuit's rotation and grace, revocation, access-token checks.
import { randomBytes, randomInt } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { REALM_SCOPES } from "./defaults.js";
import type { Grant } from "./state.js";

/** What a new grant needs. */
export interface GrantRequest {
  clientId: string;
  userSub: string;
  realmId?: string;
  scopes: string[];
  authTime?: number;
}

/** Whether these scopes bind the grant to a company (accounting or payment). */
export function grantsRealm(scopes: string[]): boolean {
  return scopes.some((s) => REALM_SCOPES.has(s));
}

function newRefreshTokenValue(nowMs: number): string {
  const alnum = "abcdefghijklmnopqrstuvwxyz0123456789";
  let tail = "";
  for (let i = 0; i < 24; i++) tail += alnum[randomInt(alnum.length)];
  return `RT1-${randomInt(10, 100)}-H0-${Math.floor(nowMs / 1000)}${tail}`;
}

function addRefreshToken(ctx: EmulatorContext, grant: Grant): void {
  const now = ctx.clock.now();
  const value = newRefreshTokenValue(now);
  ctx.state.refreshTokens.set(value, { grantId: grant.id, issuedAt: now });
  grant.currentRefreshToken = value;
  grant.refreshTokenCount += 1;
}

/** Create a grant with its first refresh token. */
export function createGrant(ctx: EmulatorContext, req: GrantRequest): Grant {
  const now = ctx.clock.now();
  const grant: Grant = {
    id: randomBytes(9).toString("base64url"),
    clientId: req.clientId,
    userSub: req.userSub,
    ...(req.realmId !== undefined && grantsRealm(req.scopes) ? { realmId: req.realmId } : {}),
    scopes: req.scopes,
    createdAt: now,
    authTime: req.authTime ?? Math.floor(now / 1000),
    revoked: false,
    rollingExpiresAt: now + ctx.settings.refreshTokenLifetimeS * 1000,
    currentRefreshToken: "",
    refreshTokenCount: 0,
  };
  ctx.state.grants.set(grant.id, grant);
  addRefreshToken(ctx, grant);
  ctx.state.markChanged();
  return grant;
}

function hardExpiresAt(ctx: EmulatorContext, grant: Grant): number {
  return grant.createdAt + ctx.settings.hardLifetimeS * 1000;
}

/**
 * The §4.2 token JSON, keys in Intuit's fixture order, with a fresh access token (and ID token when
 * `openid` was granted).
 */
export function tokenResponse(
  ctx: EmulatorContext,
  grant: Grant,
  opts: { includeHardExpiry: boolean; nonce?: string },
): Record<string, unknown> {
  const now = ctx.clock.now();
  const accessToken = randomBytes(48).toString("base64url");
  ctx.state.accessTokens.set(accessToken, {
    grantId: grant.id,
    expiresAt: now + ctx.settings.accessTokenLifetimeS * 1000,
  });
  ctx.state.markChanged();
  const hardLeft = Math.max(0, Math.ceil((hardExpiresAt(ctx, grant) - now) / 1000));
  const rollingLeft = Math.max(0, Math.ceil((grant.rollingExpiresAt - now) / 1000));
  const body: Record<string, unknown> = {};
  if (grant.scopes.includes("openid")) body.id_token = idToken(ctx, grant, opts.nonce);
  body.expires_in = ctx.settings.accessTokenLifetimeS;
  body.token_type = "bearer";
  body.x_refresh_token_expires_in = Math.min(rollingLeft, hardLeft);
  body.refresh_token = grant.currentRefreshToken;
  body.access_token = accessToken;
  if (opts.includeHardExpiry) body.x_refresh_token_hard_expires_in = hardLeft;
  return body;
}

function idToken(ctx: EmulatorContext, grant: Grant, nonce?: string): string {
  const iat = ctx.clock.nowSeconds();
  const claims: Record<string, unknown> = {
    sub: grant.userSub,
    aud: [grant.clientId],
    ...(grant.realmId !== undefined ? { realmid: grant.realmId } : {}),
    auth_time: grant.authTime,
    iss: ctx.issuer,
    exp: iat + 3600,
    iat,
    ...(nonce !== undefined ? { nonce } : {}),
  };
  return ctx.keys.signJwt(claims);
}

/**
 * Apply a refresh: the grant whose token may be used now, or undefined for `invalid_grant`.
 * Rotates the value when the current one is older than `rotateAfter`; a superseded value works
 * for `graceAfterRotation` and then never again.
 */
export function refreshGrant(ctx: EmulatorContext, token: string, clientId: string): Grant | undefined {
  const now = ctx.clock.now();
  const record = ctx.state.refreshTokens.get(token);
  if (!record) return undefined;
  const grant = ctx.state.grants.get(record.grantId);
  if (!grant || grant.revoked || grant.clientId !== clientId) return undefined;
  if (now >= hardExpiresAt(ctx, grant) || now >= grant.rollingExpiresAt) return undefined;
  if (record.supersededAt !== undefined) {
    const grace = ctx.settings.graceAfterRotationMs;
    if (grace <= 0 || now - record.supersededAt >= grace) return undefined;
  }
  const current = ctx.state.refreshTokens.get(grant.currentRefreshToken);
  if (!current || now - current.issuedAt >= ctx.settings.rotateAfterMs) {
    if (current) current.supersededAt = now;
    addRefreshToken(ctx, grant);
  }
  grant.rollingExpiresAt = now + ctx.settings.refreshTokenLifetimeS * 1000;
  ctx.state.markChanged();
  return grant;
}

/** Revoke the grant a token (access or refresh) belongs to; false when the token is unknown. */
export function revokeByToken(ctx: EmulatorContext, token: string, clientId?: string): boolean {
  const grantId = ctx.state.refreshTokens.get(token)?.grantId ?? ctx.state.accessTokens.get(token)?.grantId;
  const grant = grantId === undefined ? undefined : ctx.state.grants.get(grantId);
  if (!grant || (clientId !== undefined && grant.clientId !== clientId)) return false;
  revokeGrant(ctx, grant);
  return true;
}

/** Revoke a grant: every token it issued stops working. */
export function revokeGrant(ctx: EmulatorContext, grant: Grant): void {
  grant.revoked = true;
  ctx.state.markChanged();
}

/** The grant behind a usable access token: known, unexpired, grant not revoked. */
export function grantForAccessToken(ctx: EmulatorContext, token: string | undefined): Grant | undefined {
  if (!token) return undefined;
  const record = ctx.state.accessTokens.get(token);
  if (!record || ctx.clock.now() >= record.expiresAt) return undefined;
  const grant = ctx.state.grants.get(record.grantId);
  return grant && !grant.revoked ? grant : undefined;
}

/** Expire access tokens at once: all, or those of one realm. */
export function expireAccessTokens(ctx: EmulatorContext, realmId?: string): void {
  const now = ctx.clock.now();
  for (const record of ctx.state.accessTokens.values()) {
    const grant = ctx.state.grants.get(record.grantId);
    if (realmId === undefined || grant?.realmId === realmId)
      record.expiresAt = Math.min(record.expiresAt, now);
  }
  ctx.state.markChanged();
}

/** The bearer token from an `Authorization` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return m?.[1];
}
