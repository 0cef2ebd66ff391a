// The HTML pages of the example. Every value from outside goes through `escape`.
// Ids (#connect, #company-name, #error, ...) are what the browser test clicks and reads.

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
</style></head>
<body>
${body}
</body></html>
`;
}

const connectButton = (label: string) =>
  `<a class="button" id="connect" href="/connect">${escape(label)}</a>`;

/** Not connected yet. */
export function homePage(notice?: string): string {
  return layout(
    "QuickBooks example app",
    `<h1>QuickBooks example app</h1>
${notice ? `<p class="notice" id="notice">${escape(notice)}</p>` : ""}
<p>Connect a QuickBooks company to see its name and who you are signed in as.</p>
<p>${connectButton("Connect to QuickBooks")}</p>`,
  );
}

export interface DashboardData {
  realmId: string;
  companyName: string;
  userName: string;
  userEmail: string;
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  notice?: string | undefined;
}

/** Connected: what the API and userinfo returned, and the three actions. */
export function dashboardPage(d: DashboardData): string {
  const time = (ms: number) => escape(new Date(ms).toISOString());
  return layout(
    `${d.companyName} - QuickBooks example app`,
    `<h1>Connected to <span id="company-name">${escape(d.companyName)}</span></h1>
${d.notice ? `<p class="notice" id="notice">${escape(d.notice)}</p>` : ""}
<dl>
  <dt>Company ID (realm)</dt><dd id="realm-id">${escape(d.realmId)}</dd>
  <dt>Signed in as</dt><dd id="user-name">${escape(d.userName)}</dd>
  <dt>Email</dt><dd id="user-email">${escape(d.userEmail)}</dd>
  <dt>Access token valid until</dt><dd id="access-token-expires">${time(d.accessTokenExpiresAt)}</dd>
  <dt>Refresh token valid until</dt><dd id="refresh-token-expires">${time(d.refreshTokenExpiresAt)}</dd>
</dl>
<form method="post" action="/call-api"><button id="call-api">Call API again</button></form>
<form method="post" action="/refresh"><button class="secondary" id="refresh">Refresh tokens</button></form>
<form method="post" action="/disconnect"><button class="danger" id="disconnect">Disconnect</button></form>`,
  );
}

/** A friendly error. `action` adds a button, e.g. to connect again. */
export function errorPage(title: string, message: string, action?: string): string {
  return layout(
    title,
    `<h1>${escape(title)}</h1>
<p class="error" id="error">${escape(message)}</p>
<p>${action ? connectButton(action) : ""} <a href="/">Back to the start</a></p>`,
  );
}
