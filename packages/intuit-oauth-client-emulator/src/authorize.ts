// The authorization endpoint (GET /connect/oauth2) and the consent decision (POST /connect/oauth2/consent).
import { randomBytes } from "node:crypto";
import { consentPage } from "./consent.js";
import { findClient, type EmulatorContext } from "./context.js";
import { parseScopes } from "./defaults.js";
import { errorPage, htmlReply, redirectReply, type EmulatorRequest, type Reply } from "./reply.js";
import type { PendingAuthorization } from "./state.js";
import { grantsRealm } from "./tokens.js";

const PENDING_MAX_AGE_MS = 10 * 60 * 1000;

function redirectWith(redirectUri: string, params: Array<[string, string | undefined]>): Reply {
  const url = new URL(redirectUri);
  for (const [k, v] of params) if (v !== undefined) url.searchParams.set(k, v);
  return redirectReply(url.toString());
}

/** `GET /connect/oauth2`: validate, then show the consent page (or approve at once with autoApprove). */
export function authorize(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const q = req.url.searchParams;
  const client = findClient(ctx, q.get("client_id") ?? undefined);
  if (!client) return errorPage(400, "Invalid request", "Unknown client_id.");
  const redirectUri = q.get("redirect_uri") ?? "";
  // Never redirect to a URI the app did not register.
  if (!client.redirectUris.includes(redirectUri)) {
    return errorPage(400, "Invalid request", "The redirect_uri is not registered for this app.");
  }
  const state = q.get("state") ?? undefined;
  if (q.get("response_type") !== "code") {
    return redirectWith(redirectUri, [
      ["error", "unsupported_response_type"],
      ["state", state],
    ]);
  }
  const scopes = parseScopes(q.get("scope"));
  if (!scopes) {
    return redirectWith(redirectUri, [
      ["error", "invalid_scope"],
      ["state", state],
    ]);
  }
  const codeChallenge = q.get("code_challenge") ?? undefined;
  if (codeChallenge !== undefined && q.get("code_challenge_method") !== "S256") {
    return redirectWith(redirectUri, [
      ["error", "invalid_request"],
      ["error_description", "only code_challenge_method=S256 is supported"],
      ["state", state],
    ]);
  }
  const nonce = q.get("nonce") ?? undefined;
  const now = ctx.clock.now();
  ctx.state.prune(now, PENDING_MAX_AGE_MS);
  const pending: PendingAuthorization = {
    id: randomBytes(18).toString("base64url"),
    clientId: client.clientId,
    redirectUri,
    scopes,
    createdAt: now,
    ...(state !== undefined ? { state } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
    ...(codeChallenge !== undefined ? { codeChallenge } : {}),
  };
  if (ctx.settings.autoApprove) {
    const realmId = ctx.settings.autoApprove.realmId ?? ctx.settings.companies[0]?.realmId;
    return approve(ctx, pending, realmId);
  }
  ctx.state.pending.set(pending.id, pending);
  ctx.state.markChanged();
  const html = consentPage({
    pendingId: pending.id,
    appName: client.appName ?? client.clientId,
    scopes,
    companies: ctx.settings.companies,
    needsCompany: grantsRealm(scopes),
    user: ctx.settings.users[0],
  });
  return htmlReply(200, html);
}

/** `POST /connect/oauth2/consent`: the user's Connect or Cancel. */
export function consentDecision(ctx: EmulatorContext, req: EmulatorRequest): Reply {
  const form = new URLSearchParams(req.body.toString("utf8"));
  const pending = ctx.state.pending.get(form.get("pending") ?? "");
  if (!pending || ctx.clock.now() - pending.createdAt > PENDING_MAX_AGE_MS) {
    return errorPage(400, "Invalid request", "This consent request is unknown or has expired. Start again.");
  }
  ctx.state.pending.delete(pending.id);
  ctx.state.markChanged();
  const decision = form.get("decision");
  if (decision !== "approve") {
    return redirectWith(pending.redirectUri, [
      ["error", "access_denied"],
      ["state", pending.state],
    ]);
  }
  const realmId = form.get("realmId") ?? ctx.settings.companies[0]?.realmId;
  if (grantsRealm(pending.scopes) && !ctx.settings.companies.some((c) => c.realmId === realmId)) {
    return errorPage(400, "Invalid request", "Unknown company.");
  }
  return approve(ctx, pending, realmId);
}

function approve(ctx: EmulatorContext, pending: PendingAuthorization, realmId: string | undefined): Reply {
  const withRealm = grantsRealm(pending.scopes) ? realmId : undefined;
  const code = `AB11${randomBytes(36).toString("base64url")}`;
  const user = ctx.settings.users[0];
  ctx.state.codes.set(code, {
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    scopes: pending.scopes,
    userSub: user?.sub ?? "",
    createdAt: ctx.clock.now(),
    ...(withRealm !== undefined ? { realmId: withRealm } : {}),
    ...(pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
    ...(pending.codeChallenge !== undefined ? { codeChallenge: pending.codeChallenge } : {}),
  });
  ctx.state.markChanged();
  return redirectWith(pending.redirectUri, [
    ["code", code],
    ["state", pending.state],
    ["realmId", withRealm],
  ]);
}
