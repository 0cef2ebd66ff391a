import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../src/index.js";
import { ACCOUNTING, authorizeUrl, consent, pendingId, raw, REALM_1, REALM_2, REDIRECT } from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

test("unknown client_id → 400 HTML page, no redirect", async () => {
  const res = await raw(authorizeUrl(emu, { client_id: "nobody" }));
  assert.equal(res.status, 400);
  assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
  assert.equal(res.headers["location"], undefined);
  assert.match(res.text, /Unknown client_id/);
});

for (const redirect of ["https://evil.example/callback", "http://127.0.0.1:8000/callback/", ""]) {
  test(`unregistered redirect_uri ${JSON.stringify(redirect)} → 400, no Location`, async () => {
    const res = await raw(authorizeUrl(emu, { redirect_uri: redirect, scope: "garbage!!" }));
    assert.equal(res.status, 400);
    assert.equal(res.headers["location"], undefined);
    assert.match(res.text, /redirect_uri is not registered/);
  });
}

const redirectErrors: Array<[string, Record<string, string>, string]> = [
  ["bad response_type", { response_type: "token" }, "unsupported_response_type"],
  ["empty scope", { scope: "" }, "invalid_scope"],
  ["garbage scope", { scope: "openid <script>" }, "invalid_scope"],
  ["bare unknown word", { scope: "bogus" }, "invalid_scope"],
];
for (const [name, params, error] of redirectErrors) {
  test(`${name} → redirect with error=${error} and state`, async () => {
    const res = await raw(authorizeUrl(emu, params));
    assert.equal(res.status, 302);
    assert.equal(res.headers["location"], `${REDIRECT}?error=${error}&state=st-123`);
  });
}

test("good request → consent page with app name, scopes, companies, buttons", async () => {
  const res = await raw(authorizeUrl(emu, { scope: `${ACCOUNTING} openid email qb.company.read` }));
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "text/html; charset=utf-8");
  const html = res.text;
  assert.match(html, /<h1 id="app-name">Emulator Sample App<\/h1>/);
  for (const s of [ACCOUNTING, "openid", "email", "qb.company.read"]) {
    assert.ok(html.includes(`<li class="scope">${s}</li>`), s);
  }
  assert.ok(html.includes(`<option value="${REALM_1}">Sandbox Company_US_1 (${REALM_1})</option>`));
  assert.ok(html.includes(`<option value="${REALM_2}">Sandbox Company_US_2 (${REALM_2})</option>`));
  assert.ok(html.includes('<select name="realmId" id="realmId">'));
  assert.ok(
    html.includes('<button type="submit" name="decision" value="approve" id="connect">Connect</button>'),
  );
  assert.ok(html.includes('<button type="submit" name="decision" value="deny" id="cancel">Cancel</button>'));
  assert.ok(html.includes('action="/connect/oauth2/consent"'));
  assert.doesNotMatch(html, /emulator-client-secret|callback/);
  // Styled like the example app: its palette, a viewport for phones, and a plain "offline" badge.
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.match(html, /<style>[\s\S]*background: #2ca01c;[\s\S]*<\/style>/);
  assert.match(html, /<span class="badge">offline emulator<\/span>/);
  assert.match(pendingId(html), /^[A-Za-z0-9_-]{24}$/);
});

test("Connect → code, state and realmId of the picked company", async () => {
  const cb = await consent(emu, {}, "approve", REALM_2);
  assert.equal(`${cb.origin}${cb.pathname}`, REDIRECT);
  assert.deepEqual([...cb.searchParams.keys()], ["code", "state", "realmId"]);
  assert.match(cb.searchParams.get("code") ?? "", /^AB11[A-Za-z0-9_-]{48}$/);
  assert.equal(cb.searchParams.get("state"), "st-123");
  assert.equal(cb.searchParams.get("realmId"), REALM_2);
});

test("Cancel → error=access_denied with state", async () => {
  const cb = await consent(emu, { state: "a b&c" }, "deny");
  assert.equal(cb.toString(), `${REDIRECT}?error=access_denied&state=a+b%26c`);
});

test("no realmId without accounting/payment; no state when none was sent", async () => {
  const page = await raw(authorizeUrl(emu, { scope: "openid email" }));
  assert.doesNotMatch(page.text, /<select/);
  const url = new URL(authorizeUrl(emu, { scope: "openid email" }));
  url.searchParams.delete("state");
  const html = await (await fetch(url)).text();
  const res = await raw(`${emu.url}/connect/oauth2/consent`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `pending=${pendingId(html)}&decision=approve`,
  });
  assert.equal(res.status, 302);
  const cb = new URL(String(res.headers["location"]));
  assert.deepEqual([...cb.searchParams.keys()], ["code"]);
});

test("a pending consent is single use; unknown pending → 400 page", async () => {
  const html = await (await fetch(authorizeUrl(emu, {}))).text();
  const body = `pending=${pendingId(html)}&decision=approve&realmId=${REALM_1}`;
  const post = () =>
    raw(`${emu.url}/connect/oauth2/consent`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  assert.equal((await post()).status, 302);
  const again = await post();
  assert.equal(again.status, 400);
  assert.equal(again.headers["location"], undefined);
});

test("unknown realmId on Connect → 400", async () => {
  const html = await (await fetch(authorizeUrl(emu, {}))).text();
  const res = await raw(`${emu.url}/connect/oauth2/consent`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `pending=${pendingId(html)}&decision=approve&realmId=123`,
  });
  assert.equal(res.status, 400);
});

test("consent page escapes HTML in app name", async () => {
  const other = await startEmulator({
    port: 0,
    clients: [
      { clientId: "c1", clientSecret: "s1", redirectUris: [REDIRECT], appName: `<b>"Bob's" & Co</b>` },
    ],
    companies: [{ realmId: "42", companyName: "<i>Acme</i>" }],
  });
  try {
    const html = await (await fetch(authorizeUrl(other, { client_id: "c1" }))).text();
    assert.ok(html.includes("&#60;b&#62;&#34;Bob&#39;s&#34; &#38; Co&#60;/b&#62;"));
    assert.ok(html.includes('<option value="42">&#60;i&#62;Acme&#60;/i&#62; (42)</option>'));
    assert.doesNotMatch(html, /<b>|<i>/);
  } finally {
    await other.close();
  }
});

test("autoApprove redirects at once (first company, or the given realmId)", async () => {
  const auto = await startEmulator({
    port: 0,
    autoApprove: true,
    redirectUris: ["http://localhost:9999/cb"],
  });
  const chosen = await startEmulator({ port: 0, autoApprove: { realmId: REALM_2 } });
  try {
    const cb = await consent(auto, { redirect_uri: "http://localhost:9999/cb" });
    assert.equal(`${cb.origin}${cb.pathname}`, "http://localhost:9999/cb");
    assert.equal(cb.searchParams.get("realmId"), REALM_1);
    assert.equal(cb.searchParams.get("state"), "st-123");
    assert.equal((await consent(chosen)).searchParams.get("realmId"), REALM_2);
    assert.equal(auto.counters().authorize, 1);
  } finally {
    await auto.close();
    await chosen.close();
  }
});

test("PKCE with a method other than S256 → redirect invalid_request", async () => {
  const res = await raw(authorizeUrl(emu, { code_challenge: "abc", code_challenge_method: "plain" }));
  assert.equal(res.status, 302);
  const cb = new URL(String(res.headers["location"]));
  assert.equal(cb.searchParams.get("error"), "invalid_request");
  assert.equal(cb.searchParams.get("state"), "st-123");
});

test("payment scope alone also yields realmId", async () => {
  const cb = await consent(emu, { scope: "com.intuit.quickbooks.payment" }, "approve", REALM_2);
  assert.equal(cb.searchParams.get("realmId"), REALM_2);
});
