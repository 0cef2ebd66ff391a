// The consent page HTML: app name, scopes, a company picker and Connect/Cancel buttons, styled like the
// example app (the first page a developer sees). Escapes everything; ids are what browser tests click.
import { escapeHtml as e } from "./reply.js";
import type { Company, EmulatorUser } from "./types.js";

/** What the page shows; the form carries only the server-side pending id. */
export interface ConsentPageInput {
  pendingId: string;
  appName: string;
  scopes: string[];
  companies: Company[];
  /** Whether a company must be picked (accounting or payment requested). */
  needsCompany: boolean;
  user: EmulatorUser | undefined;
}

/** The consent page for one pending authorization. */
export function consentPage(input: ConsentPageInput): string {
  const scopes = input.scopes.map((s) => `<li class="scope">${e(s)}</li>`).join("");
  const options = input.companies
    .map((c) => `<option value="${e(c.realmId)}">${e(c.companyName)} (${e(c.realmId)})</option>`)
    .join("");
  const picker = input.needsCompany
    ? `<label for="realmId">Company</label> <select name="realmId" id="realmId">${options}</select>`
    : "";
  const who = input.user ? `<p id="user">Signed in as ${e(input.user.email)}</p>` : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Connect ${e(input.appName)} - Intuit (emulator)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; color: #1f2933; }
  header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 3px solid #2ca01c;
    margin-bottom: 1.5rem; padding-bottom: .5rem; }
  .brand { font-weight: 700; color: #2ca01c; letter-spacing: .02em; }
  .badge { font-size: .8rem; color: #52606d; background: #f0f4f8; border-radius: 1rem; padding: .1rem .6rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  #user { color: #52606d; margin-top: 0; }
  ul#scopes { background: #f7f9fb; border-radius: .4rem; padding: .75rem 1rem .75rem 2rem; }
  li.scope { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
  label { display: block; color: #52606d; margin: 1rem 0 .25rem; }
  select { font: inherit; padding: .4rem; border-radius: .4rem; border: 1px solid #cbd2d9; width: 100%; }
  .actions { margin-top: 1.5rem; display: flex; gap: .75rem; }
  button { font: inherit; padding: .5rem 1.25rem; border-radius: .4rem; border: 1px solid #2ca01c;
    background: #2ca01c; color: #fff; cursor: pointer; }
  button#cancel { background: #fff; color: #2ca01c; }
  footer { margin-top: 2rem; font-size: .85rem; color: #7b8794; }
</style></head>
<body>
<header><span class="brand">intuit</span> <span class="badge">offline emulator</span></header>
<h1 id="app-name">${e(input.appName)}</h1>
${who}
<p>This app wants to access:</p>
<ul id="scopes">${scopes}</ul>
<form method="post" action="/connect/oauth2/consent" id="consent">
<input type="hidden" name="pending" value="${e(input.pendingId)}">
${picker}
<div class="actions">
<button type="submit" name="decision" value="approve" id="connect">Connect</button>
<button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
</div>
</form>
<footer>No real Intuit account is used: this page comes from intuit-oauth-client's emulator on your machine.</footer>
</body></html>
`;
}
