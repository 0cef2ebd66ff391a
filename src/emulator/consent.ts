// The consent page HTML: app name, scopes, a company picker and Connect/Cancel buttons. Escapes everything.
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
<html lang="en"><head><meta charset="utf-8"><title>Connect ${e(input.appName)} - Intuit (emulator)</title></head>
<body>
<h1 id="app-name">${e(input.appName)}</h1>
${who}
<p>This app wants to access:</p>
<ul id="scopes">${scopes}</ul>
<form method="post" action="/connect/oauth2/consent" id="consent">
<input type="hidden" name="pending" value="${e(input.pendingId)}">
${picker}
<button type="submit" name="decision" value="approve" id="connect">Connect</button>
<button type="submit" name="decision" value="deny" id="cancel">Cancel</button>
</form>
</body></html>
`;
}
