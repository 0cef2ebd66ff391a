// `intuit-oauth-client-cli demo`: the seed tutorial, step by step, against an in-process emulator.
// Offline (127.0.0.1 only), uses a temporary token store, and prints tokens only shortened.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AuthClient,
  AuthClientError,
  CallbackError,
  FileTokenStore,
  Scopes,
  TokenManager,
  mustReconnect,
} from "intuit-oauth-client";
import { startEmulator } from "intuit-oauth-client-emulator";
import { apiGet, apiUrl, faultMessage } from "./call.js";
import { iso, seconds, shorten, shortenRefreshToken, table } from "./output.js";

const STEPS = 10;
const say = (text = "") => console.log(text);

function step(n: number, title: string, why: string): void {
  say();
  say(`Step ${n}/${STEPS}: ${title}`);
  say("-".repeat(`Step ${n}/${STEPS}: ${title}`.length));
  for (const line of why.split("\n")) say(`  ${line}`);
  say();
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** What the consent page offers, read from its HTML as a browser would render it. */
export function readConsentPage(html: string) {
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form\b[^<>]*action="([^"]+)"/.exec(html)?.[1];
  if (!pending || !action) throw new Error("The consent page has no form");
  const company = /<option value="([^"]+)">([^<]*)<\/option>/.exec(html);
  return {
    pending: unescapeHtml(pending),
    action: unescapeHtml(action),
    appName: unescapeHtml(/<h1 id="app-name">([^<]*)<\/h1>/.exec(html)?.[1] ?? "?"),
    scopes: [...html.matchAll(/<li class="scope">([^<]*)<\/li>/g)].map((m) => unescapeHtml(m[1] ?? "")),
    realmId: company?.[1] ? unescapeHtml(company[1]) : undefined,
    companyLabel: company?.[2] ? unescapeHtml(company[2]) : undefined,
  };
}

/** A callback URL with its code shortened, for display. */
function showCallback(url: URL): string {
  const params = [...url.searchParams].map(([k, v]) => `${k}=${k === "code" ? shorten(v, 4) : v}`);
  return `${url.origin}${url.pathname}?${params.join("&")}`;
}

/** Runs the whole tutorial. Resolves when done; the emulator and temp store are always cleaned up. */
export async function runDemo(options: { port?: number } = {}): Promise<void> {
  // rotateAfter 0: Intuit rotates a refresh token at most once a day; here every refresh does, so step 8 shows it.
  const emu = await startEmulator({ port: options.port ?? 0, rotateAfter: 0 });
  const storeDir = await mkdtemp(join(tmpdir(), "intuit-oauth-demo-"));
  try {
    await walkThrough(emu, storeDir);
  } finally {
    await emu.close();
    await rm(storeDir, { recursive: true, force: true });
  }
}

type Emu = Awaited<ReturnType<typeof startEmulator>>;

async function walkThrough(emu: Emu, storeDir: string): Promise<void> {
  const app = emu.defaultClient;
  say(
    "intuit-oauth-client demo: the Python OAuth Client tutorial, in TypeScript, against a local Intuit emulator.",
  );
  say(
    table([
      ["emulator", emu.url],
      ["discovery", emu.discoveryUrl],
      ["client id", app.clientId],
      ["redirect URI", app.redirectUri],
      ["token store", `${storeDir} (temporary)`],
    ]),
  );
  say("  Nothing leaves 127.0.0.1. Tokens are shown shortened: first characters, length and a fingerprint.");

  // 1 ────────────────────────────────────────────────────────────────
  step(
    1,
    "Generate the authorization URL",
    "AuthClient takes the app's client id, secret, redirect URI and environment (here the emulator's\n" +
      'discovery URL; in real life "sandbox" or "production"). The URL carries a fresh random `state`:\n' +
      "the app remembers it, and accepts only a callback that brings the same value back (CSRF protection).",
  );
  const authClient = await AuthClient.create({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
    environment: emu.discoveryUrl,
  });
  const scopes = [Scopes.Accounting, Scopes.OpenId, Scopes.Profile, Scopes.Email];
  const url = authClient.getAuthorizationUrl(scopes);
  const state = authClient.stateToken ?? "";
  say(
    `  const url = authClient.getAuthorizationUrl([Scopes.Accounting, Scopes.OpenId, Scopes.Profile, Scopes.Email]);`,
  );
  say();
  say(`  ${url}`);
  say();
  say(
    table([
      ["scopes", scopes.join(" ")],
      ["state", `${state} (kept by the app, e.g. in the user's session)`],
    ]),
  );

  // 2 ────────────────────────────────────────────────────────────────
  step(
    2,
    "Consent: the user connects the app",
    "The app redirects the user's browser to that URL. Intuit shows a consent page: the app's name,\n" +
      "the scopes, and a picker of the user's companies. Here an HTTP client plays the browser:\n" +
      "it GETs the page and submits the form, choosing the first company and clicking Connect.",
  );
  const page = await fetch(url, { redirect: "manual" });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`The consent page answered HTTP ${page.status}`);
  const consent = readConsentPage(html);
  say(
    table([
      ["GET", `${new URL(url).pathname} -> HTTP ${page.status}, consent page of "${consent.appName}"`],
      ["scopes shown", consent.scopes.join(", ")],
      ["company chosen", consent.companyLabel ?? "(none offered)"],
    ]),
  );
  const form = new URLSearchParams({ pending: consent.pending, decision: "approve" });
  if (consent.realmId) form.set("realmId", consent.realmId);
  const decision = await fetch(new URL(consent.action, emu.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = decision.headers.get("location");
  if (decision.status !== 302 || !location) throw new Error(`Consent answered HTTP ${decision.status}`);
  const callback = new URL(location);
  say(
    table([
      ["POST", `${consent.action} (decision=approve) -> HTTP ${decision.status}, redirect to the app:`],
    ]),
  );
  say(`    ${showCallback(callback)}`);

  // 3 ────────────────────────────────────────────────────────────────
  step(
    3,
    "Callback with the state check",
    "The callback carries `code`, `state` and `realmId` (the company, for accounting/payment scopes).\n" +
      "handleCallback compares `state` with the one the app kept, in constant time, BEFORE anything is\n" +
      "sent to Intuit. First, an attacker's tampered callback:",
  );
  const tampered = new URL(callback);
  tampered.searchParams.set("state", "forged-by-an-attacker");
  const tokenCallsBefore = emu.counters().token;
  try {
    await authClient.handleCallback(tampered, { expectedState: state });
    throw new Error("A tampered state was accepted");
  } catch (err) {
    if (!(err instanceof CallbackError)) throw err;
    say(
      table([
        ["tampered state", `rejected: ${err.name} (${err.reason}) "${err.message}"`],
        ["token requests", `${emu.counters().token - tokenCallsBefore} (the code was never sent to Intuit)`],
      ]),
    );
  }
  say();
  say("  Then the real callback:");
  say("  const token = await authClient.handleCallback(callbackUrl, { expectedState: state });");
  const token = await authClient.handleCallback(callback, { expectedState: state });
  const realmId = token.realmId ?? callback.searchParams.get("realmId") ?? "";
  say(
    table([
      ["state", "matches"],
      ["realmId", realmId],
      [
        "code",
        `${shorten(callback.searchParams.get("code") ?? "", 4)}, exchanged once (codes are single use, 5 minutes)`,
      ],
    ]),
  );

  // 4 ────────────────────────────────────────────────────────────────
  step(
    4,
    "Get the OAuth2 bearer token",
    "handleCallback exchanged the code at the token endpoint (Python: get_bearer_token). The client\n" +
      "now holds the tokens; expiry times are absolute, so a stored token can be judged later.\n" +
      "The app must store them: here a TokenManager with a FileTokenStore (files with mode 0600).",
  );
  const tokens = new TokenManager({ authClient, store: new FileTokenStore({ directory: storeDir }) });
  await tokens.save(realmId, token);
  say(
    table([
      ["access_token", shorten(token.accessToken)],
      ["expires_in", seconds(token.expiresIn)],
      ["access token expires", iso(token.accessTokenExpiresAt)],
      ["refresh_token", shortenRefreshToken(token.refreshToken)],
      ["x_refresh_token_expires_in", seconds(token.xRefreshTokenExpiresIn)],
      ["refresh token expires", iso(token.refreshTokenExpiresAt)],
      ["id_token", shorten(token.idToken)],
      ["intuit_tid", token.intuitTid ?? "-"],
      ["saved", `realm ${realmId} in ${storeDir}`],
    ]),
  );

  // 5 ────────────────────────────────────────────────────────────────
  step(
    5,
    "Call the QuickBooks Online API (CompanyInfo)",
    "An API call needs only the access token (as a Bearer header) and the realmId.",
  );
  const companyUrl = apiUrl(authClient, "/v3/company/{realmId}/companyinfo/{realmId}", realmId);
  say(`  GET ${companyUrl}`);
  say("  Authorization: Bearer <access token>");
  const company = await apiGet(authClient, companyUrl, token.accessToken);
  if (company.status !== 200) throw new Error(`CompanyInfo answered HTTP ${company.status}`);
  const info = (JSON.parse(company.body) as { CompanyInfo?: { CompanyName?: string; Country?: string } })
    .CompanyInfo;
  say(
    table([
      ["status", `HTTP ${company.status}`],
      ["CompanyName", info?.CompanyName ?? "?"],
      ["intuit_tid", company.intuitTid ?? "-"],
    ]),
  );

  // 6 ────────────────────────────────────────────────────────────────
  step(
    6,
    "Get user info (OpenID scope)",
    "With openid + profile + email granted, the userinfo endpoint returns who connected the app.",
  );
  say("  const user = await authClient.getUserInfo();");
  const user = await authClient.getUserInfo();
  say(
    table([
      ["name", `${user.givenName ?? ""} ${user.familyName ?? ""}`.trim()],
      ["email", `${user.email ?? "-"}${user.emailVerified ? " (verified)" : ""}`],
      ["sub", user.sub],
    ]),
  );

  // 7 ────────────────────────────────────────────────────────────────
  step(
    7,
    "Validate the OpenID ID token",
    "The id_token is a JWT signed with RS256. validateIdToken checks the signature with a key from\n" +
      "Intuit's JWKS, then the issuer, the audience (our client id) and the expiry.",
  );
  say("  const claims = await authClient.validateIdToken();");
  const claims = await authClient.validateIdToken();
  say(
    table([
      ["signature", "valid (RS256)"],
      ["iss", claims.iss],
      ["aud", Array.isArray(claims.aud) ? claims.aud.join(", ") : claims.aud],
      ["realmid", claims.realmid ?? "-"],
      ["sub", claims.sub],
      ["exp", `${claims.exp} (${iso(claims.exp * 1000)})`],
    ]),
  );

  // 8 ────────────────────────────────────────────────────────────────
  step(
    8,
    "Refresh the tokens, showing rotation",
    "Access tokens last one hour; the refresh token gets new ones. Intuit may answer with a NEW\n" +
      "refresh token value (it rotates at most once a day; this emulator rotates on every refresh).\n" +
      "Always store the refresh token you get back: the old one stops working after a grace period.",
  );
  say("  const refreshed = await authClient.refresh();");
  const oldRefresh = authClient.refreshToken ?? "";
  const oldAccess = authClient.accessToken ?? "";
  const refreshed = await authClient.refresh();
  await tokens.save(realmId, refreshed);
  const rotated = refreshed.refreshToken !== oldRefresh;
  say(
    table([
      [
        "refresh_token",
        `${shortenRefreshToken(oldRefresh)} -> ${shortenRefreshToken(refreshed.refreshToken)}`,
      ],
      ["rotated", rotated ? "yes: a new value, now stored" : "no: same value"],
      ["access_token", `${shorten(oldAccess)} -> ${shorten(refreshed.accessToken)}`],
      ["access token expires", iso(refreshed.accessTokenExpiresAt)],
      ["refresh token expires", iso(refreshed.refreshTokenExpiresAt)],
    ]),
  );

  // 9 ────────────────────────────────────────────────────────────────
  step(
    9,
    "Revoke the tokens, then see them refused",
    "Revoking either token disconnects the app from the company: every token of the grant dies.",
  );
  say("  await authClient.revoke();");
  const revokedRefresh = refreshed.refreshToken;
  const revoked = await authClient.revoke();
  await tokens.delete(realmId);
  say(table([["revoke", `${revoked} (tokens deleted from the store)`]]));
  const afterApi = await apiGet(authClient, companyUrl, refreshed.accessToken);
  say(
    table([
      [
        "API with the old access token",
        `HTTP ${afterApi.status} ${faultMessage(afterApi.body) ?? ""}`.trim(),
      ],
    ]),
  );
  let refusal: AuthClientError | undefined;
  try {
    await authClient.refresh(revokedRefresh);
  } catch (err) {
    if (!(err instanceof AuthClientError)) throw err;
    refusal = err;
  }
  if (!refusal) throw new Error("The revoked refresh token still worked");
  say(
    table([
      ["refresh with the revoked token", `refused: ${refusal.statusCode} ${refusal.error ?? ""}`.trim()],
    ]),
  );

  // 10 ───────────────────────────────────────────────────────────────
  step(
    10,
    "Handle an AuthClientError",
    "Every HTTP error from Intuit is an AuthClientError with the fields Intuit Support asks for.\n" +
      "`mustReconnect(e)` says the user must connect again; `intuit_tid` identifies the request at Intuit.",
  );
  say("  try { await authClient.refresh(revokedRefreshToken); }");
  say("  catch (e) { if (e instanceof AuthClientError) console.log(e.statusCode, e.content, e.intuitTid); }");
  say();
  say(
    table([
      ["name", refusal.name],
      ["code", refusal.code],
      ["statusCode", String(refusal.statusCode)],
      ["content", refusal.content],
      ["intuitTid", refusal.intuitTid ?? "-"],
      ["timestamp", refusal.timestamp ?? "-"],
      ["error", refusal.error ?? "-"],
      ["mustReconnect(e)", String(mustReconnect(refusal))],
    ]),
  );
  say();
  say(
    "Done: all 10 steps of the tutorial ran against the emulator. Next: `intuit-oauth-client-cli emulator` and",
  );
  say('`intuit-oauth-client-cli login` to try it yourself, or point the same code at "sandbox".');
}
