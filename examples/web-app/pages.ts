// The HTML pages of the example. Every value from outside goes through `escape`.
// Ids (#connect, #company-name, #error, ...) are what the browser test clicks and reads.
import type { ReauthorizationReason } from "../../packages/intuit-oauth-client/src/index.js";

/** HTML-escapes text for element content and quoted attributes. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1f2933; }
  h1 { font-size: 1.6rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
  dt { color: #52606d; }
  dd { margin: 0; font-weight: 600; }
  form { display: inline-block; margin: 1rem .5rem 0 0; }
  button, a.button { font: inherit; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid #2ca01c;
    background: #2ca01c; color: #fff; text-decoration: none; cursor: pointer; display: inline-block; }
  a.button { margin-right: 1rem; }
  button.secondary { background: #fff; color: #2ca01c; }
  button.danger { background: #fff; color: #c62828; border-color: #c62828; }
  .notice { background: #e6f4ea; padding: .5rem 1rem; border-radius: .4rem; }
  .error { background: #fdecea; padding: .5rem 1rem; border-radius: .4rem; }
  .warning { background: #fff4e5; padding: .5rem 1rem; border-radius: .4rem; }
  h2 { font-size: 1.2rem; margin-top: 2rem; }
  pre { background: #f5f7fa; padding: .75rem 1rem; border-radius: .4rem; overflow: auto; max-height: 24rem;
    font-size: .8rem; line-height: 1.4; }
  code { background: #f5f7fa; padding: 0 .25rem; border-radius: .2rem; }
</style></head>
<body>
${body}
</body></html>
`;
}

const connectButton = (label: string, href = "/connect", id = "connect") =>
  `<a class="button" id="${escape(id)}" href="${escape(href)}">${escape(label)}</a>`;

const noticeLine = (notice: string | undefined) =>
  notice ? `<p class="notice" id="notice">${escape(notice)}</p>` : "";

const time = (ms: number) => escape(new Date(ms).toISOString());

/** Not connected yet. */
export function homePage(notice?: string): string {
  return layout(
    "QuickBooks example app",
    `<h1>QuickBooks example app</h1>
${noticeLine(notice)}
<p>Connect a QuickBooks company to see its name and who you are signed in as.</p>
<p>${connectButton("Connect to QuickBooks")}</p>`,
  );
}

/** One QuickBooks API call as the dashboard shows it: what was asked and what came back. */
export interface ApiCall {
  /** e.g. `GET /v3/company/123/companyinfo/123`. */
  request: string;
  status: number;
  intuitTid: string | undefined;
  /** When the response arrived (epoch ms). */
  at: number;
  /** The parsed JSON body. */
  body: unknown;
}

export interface DashboardData {
  realmId: string;
  companyName: string;
  userName: string;
  userEmail: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  /** Intuit's five-year limit for this grant, when Intuit reported it. */
  hardExpiry: { at: number; daysLeft: number } | undefined;
  /** Whether the app asks Intuit for the limit (`includeRefreshTokenHardExpiresIn`). */
  hardExpiryRequested: boolean;
  /** Show the "reconnect before the limit" banner. */
  hardExpiryWarning: boolean;
  api: ApiCall;
  notice?: string | undefined;
}

function hardExpiryText(d: DashboardData): string {
  if (d.hardExpiry) {
    const days = d.hardExpiry.daysLeft;
    return `${time(d.hardExpiry.at)} (${days} ${days === 1 ? "day" : "days"} left)`;
  }
  return d.hardExpiryRequested
    ? "not reported by Intuit"
    : "not requested (includeRefreshTokenHardExpiresIn is off)";
}

function hardExpiryBanner(d: DashboardData): string {
  if (!d.hardExpiry || !d.hardExpiryWarning) return "";
  const days = d.hardExpiry.daysLeft;
  return `<p class="warning" id="hard-expiry-warning">Intuit ends this connection on ${time(d.hardExpiry.at)}, in ${days} ${days === 1 ? "day" : "days"}: a refresh token lives at most five years. Reconnect before then to keep access.
${connectButton("Reconnect now", "/reconnect", "reconnect")}</p>`;
}

/** Connected: what the API and userinfo returned, the grant's lifetimes, and the actions. */
export function dashboardPage(d: DashboardData): string {
  const api = d.api;
  return layout(
    `${d.companyName} - QuickBooks example app`,
    `<h1>Connected to <span id="company-name">${escape(d.companyName)}</span></h1>
${noticeLine(d.notice)}
${hardExpiryBanner(d)}
<dl>
  <dt>Company ID (realm)</dt><dd id="realm-id">${escape(d.realmId)}</dd>
  <dt>Signed in as</dt><dd id="user-name">${escape(d.userName)}</dd>
  <dt>Email</dt><dd id="user-email">${escape(d.userEmail)}</dd>
  <dt>Access token valid until</dt><dd id="access-token-expires">${time(d.accessTokenExpiresAt)}</dd>
  <dt>Refresh token valid until</dt><dd id="refresh-token-expires">${time(d.refreshTokenExpiresAt)}</dd>
  <dt>Reconnect needed by</dt><dd id="hard-expiry">${hardExpiryText(d)}</dd>
</dl>
<div class="actions">
  ${connectButton("Call API again", "/", "call-api")}
  <form method="post" action="/refresh"><button class="secondary" id="refresh">Refresh tokens</button></form>
  <form method="post" action="/disconnect"><button class="danger" id="disconnect">Disconnect</button></form>
</div>
<h2>QuickBooks API</h2>
<p id="api-request"><code>${escape(api.request)}</code> answered HTTP ${api.status} at ${time(api.at)}${api.intuitTid ? ` (intuit_tid <code>${escape(api.intuitTid)}</code>)` : ""}:</p>
<pre id="api-response">${escape(JSON.stringify(api.body, null, 2))}</pre>`,
  );
}

const REAUTHORIZATION_REASONS: Record<ReauthorizationReason, string> = {
  invalid_grant: "it was disconnected, or its access was revoked",
  refresh_token_expired: "it was not used for 100 days",
  refresh_token_hard_expired: "it reached Intuit's five-year limit",
};

/** The grant is dead: the user must connect the company again. */
export function reconnectPage(realmId: string, reason: ReauthorizationReason): string {
  return errorPage(
    "Reconnection needed",
    `QuickBooks no longer accepts this app's access to company ${realmId} (${REAUTHORIZATION_REASONS[reason]}). Please connect again.`,
    { label: "Reconnect", href: "/reconnect" },
  );
}

/** Intuit's Disconnect URL: where QuickBooks sends the user after they disconnect the app there. */
export function disconnectedPage(): string {
  return layout(
    "Disconnected - QuickBooks example app",
    `<h1>Disconnected from QuickBooks</h1>
<p class="notice" id="notice">This app can no longer reach your QuickBooks company's data. You can connect again at any time.</p>
<p>${connectButton("Connect again")} <a href="/">Back to the start</a></p>`,
  );
}

/** A path no route serves. */
export function notFoundPage(path: string): string {
  return layout(
    "Page not found - QuickBooks example app",
    `<h1>Page not found</h1>
<p class="error" id="error">There is no page at <code>${escape(path)}</code>.</p>
<p><a href="/">Back to the start</a></p>`,
  );
}

/** A friendly error. `action` adds a button, e.g. to connect again. */
export function errorPage(
  title: string,
  message: string,
  action?: string | { label: string; href: string },
): string {
  const button =
    action === undefined
      ? ""
      : typeof action === "string"
        ? connectButton(action)
        : connectButton(action.label, action.href);
  return layout(
    title,
    `<h1>${escape(title)}</h1>
<p class="error" id="error">${escape(message)}</p>
<p>${button} <a href="/">Back to the start</a></p>`,
  );
}
