// Token rules: grants, access/refresh/ID tokens, Intuit's rotation and grace, revocation, access-token checks.
// Expiry decisions read the emulator clock; JWT time claims read the real clock (see idToken).
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
    // Real seconds, like the other JWT time claims: validators compare them with the real clock.
    authTime: req.authTime ?? Math.floor(Date.now() / 1000),
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
  const accessToken = newAccessTokenValue();
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

/** base64url of Intuit's JWE header: `{"enc":"A128CBC-HS256","alg":"dir"}`. */
const JWE_HEADER = Buffer.from('{"enc":"A128CBC-HS256","alg":"dir"}').toString("base64url");

/**
 * An opaque access token shaped like Intuit's: a compact JWE with `dir` key management (empty key
 * segment), about 900 characters. Only the emulator's own map gives it meaning.
 */
function newAccessTokenValue(): string {
  const part = (bytes: number) => randomBytes(bytes).toString("base64url");
  return `${JWE_HEADER}..${part(16)}.${part(624)}.${part(16)}`;
}

/**
 * The ID token, current on both clocks a validator may use. `iat` and `auth_time` are real time, so
 * strict validators on the real clock (jose, PyJWT, Intuit's clients) never see them in the future
 * after `advanceClock`; `exp` is an hour after the emulator's now, which is never earlier than real
 * time, so the token is also current for a validator that follows the emulator clock. Without an
 * advance the two clocks agree and `exp - iat` is Intuit's 3600.
 */
function idToken(ctx: EmulatorContext, grant: Grant, nonce?: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const exp = Math.floor(ctx.clock.now() / 1000) + 3600;
  const claims: Record<string, unknown> = {
    sub: grant.userSub,
    aud: [grant.clientId],
    ...(grant.realmId !== undefined ? { realmid: grant.realmId } : {}),
    auth_time: grant.authTime,
    iss: ctx.issuer,
    exp,
    iat,
    // Intuit does not echo `nonce` (platform reference §14.2); `echoNonce` turns it on for generic OIDC tests.
    ...(nonce !== undefined && ctx.settings.echoNonce ? { nonce } : {}),
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

/** Revoke the grant a token (access or refresh) belongs to; false when the token is unknown or already revoked. */
export function revokeByToken(ctx: EmulatorContext, token: string, clientId?: string): boolean {
  const grantId = ctx.state.refreshTokens.get(token)?.grantId ?? ctx.state.accessTokens.get(token)?.grantId;
  const grant = grantId === undefined ? undefined : ctx.state.grants.get(grantId);
  if (!grant || grant.revoked || (clientId !== undefined && grant.clientId !== clientId)) return false;
  revokeGrant(ctx, grant);
  return true;
}

/** Revoke a grant: every token it issued stops working. */
export function revokeGrant(ctx: EmulatorContext, grant: Grant): void {
  grant.revoked = true;
  ctx.state.markChanged();
}

/** Why an access token is not usable, or the grant behind it. */
export type AccessTokenStatus =
  | { grant: Grant; reason?: undefined }
  | { grant?: undefined; reason: "missing" | "unknown" | "expired" | "revoked" };

/** The grant behind an access token, or why there is none. */
export function accessTokenStatus(ctx: EmulatorContext, token: string | undefined): AccessTokenStatus {
  if (!token) return { reason: "missing" };
  const record = ctx.state.accessTokens.get(token);
  const grant = record && ctx.state.grants.get(record.grantId);
  if (!record || !grant) return { reason: "unknown" };
  if (grant.revoked) return { reason: "revoked" };
  if (ctx.clock.now() >= record.expiresAt) return { reason: "expired" };
  return { grant };
}

/** The grant behind a usable access token: known, unexpired, grant not revoked. */
export function grantForAccessToken(ctx: EmulatorContext, token: string | undefined): Grant | undefined {
  return accessTokenStatus(ctx, token).grant;
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
