// The example web app's sessions in Chromium (issue 19, lower 12): the cookie holds only a signed
// session id, and a reconnect or a disconnect of the company ends every older session for it. Before,
// a signed realm cookie was a 30-day pass: after another session reconnected the company it still
// showed the company, refreshed, and could disconnect the new grant.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Cookie, Page } from "playwright-core";
import { createApp } from "../../../examples/web-app/app.js";
import { startEmulator, type Emulator } from "../../../packages/intuit-oauth-client-emulator/src/index.js";
import {
  AuthClient,
  MemoryTokenStore,
  TokenManager,
} from "../../../packages/intuit-oauth-client/src/index.js";
import { launchChromium, screenshotDir, skipWithoutChromium as skip } from "./chromium.js";
import {
  Browser as HttpBrowser,
  consent,
} from "../../../packages/intuit-oauth-client/test/web-app/http-browser.js";

const SESSION_COOKIE = "qbo_session";

describe("example web app sessions in Chromium", { skip, timeout: 90_000 }, () => {
  let emu: Emulator;
  let server: Server;
  let browser: Browser;
  let appUrl: string;
  let authClient: AuthClient;
  let store: MemoryTokenStore;
  const contexts: BrowserContext[] = [];

  before(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    emu = await startEmulator({ port: 0, redirectUris: [`${appUrl}/callback`] });
    authClient = await AuthClient.create({
      clientId: emu.defaultClient.clientId,
      clientSecret: emu.defaultClient.clientSecret,
      redirectUri: `${appUrl}/callback`,
      environment: emu.discoveryUrl,
      singleUser: false,
    });
    store = new MemoryTokenStore();
    const tokens = new TokenManager({ authClient, store });
    server.on("request", createApp({ authClient, tokens, cookieSecret: randomBytes(32), log: () => {} }));
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await emu?.close();
  });

  /** A fresh browser profile (its own cookie jar): one user's session. */
  async function newSession(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { context, page };
  }

  /** Connect at the app, pick `realmId` on the emulator's consent page, approve. */
  async function connectIn(page: Page, realmId: string): Promise<void> {
    await page.goto(`${appUrl}/connect`);
    await page.waitForURL(`${emu.url}/connect/oauth2?**`);
    await page.selectOption('select[name="realmId"]', realmId);
    await page.click("#connect");
    await page.waitForURL(`${appUrl}/`);
  }

  const sessionCookie = async (context: BrowserContext): Promise<Cookie | undefined> =>
    (await context.cookies(appUrl)).find((c) => c.name === SESSION_COOKIE);

  /** The Refresh button as the browser posts it, with `cookie` (this site's Origin). */
  const postWith = (path: string, cookie: Cookie) =>
    fetch(`${appUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: `${cookie.name}=${cookie.value}`, origin: appUrl },
    });

  /** The home page as a browser with only `cookie` sees it. */
  const homeWith = async (cookie: Cookie) =>
    (await fetch(`${appUrl}/`, { headers: { cookie: `${cookie.name}=${cookie.value}` } })).text();

  async function expectNotConnected(page: Page): Promise<void> {
    assert.equal(await page.textContent("h1"), "QuickBooks example app");
    assert.match(
      (await page.textContent("#notice")) ?? "",
      /^Not connected: this browser's connection ended/,
    );
    assert.equal(await page.$("#company-name"), null);
    assert.equal(await page.textContent("#connect"), "Connect to QuickBooks");
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(screenshotDir(), `sessions-${name}.png`), fullPage: true });

  const X = () => emu.companies[0]!;
  const Y = () => emu.companies[1]!;

  test("after another session reconnects the company, the old one sees Not connected and can neither refresh nor disconnect the new grant", async () => {
    const a = await newSession();
    await connectIn(a.page, X().realmId);
    assert.equal(await a.page.textContent("#company-name"), X().companyName);
    const oldCookie = (await sessionCookie(a.context))!;
    assert.equal(oldCookie.httpOnly, true);
    assert.equal(oldCookie.sameSite, "Lax");
    // A second tab of the old session, also on the dashboard, for the Disconnect button below.
    const secondTab = await a.context.newPage();
    await secondTab.goto(`${appUrl}/`);

    const b = await newSession();
    await connectIn(b.page, X().realmId);
    const grant = (await store.get(X().realmId))!.token;
    const before = emu.counters();

    // The old session's dashboard is still open: Refresh there refreshes nothing.
    await a.page.click("#refresh");
    await a.page.waitForSelector("#notice");
    await shot(a.page, "old-session-after-reconnect");
    await expectNotConnected(a.page);
    assert.equal(emu.counters().token, before.token);

    // Its other tab, with the old cookie put back: Disconnect revokes nothing.
    await a.context.addCookies([oldCookie]);
    await secondTab.click("#disconnect");
    await secondTab.waitForSelector("#notice");
    await expectNotConnected(secondTab);
    assert.equal(emu.counters().revoke, before.revoke);
    assert.equal((await store.get(X().realmId))!.token.accessToken, grant.accessToken);
    assert.equal(emu.isAccessTokenValid(grant.accessToken), true);
    // Nor does the old cookie show the company any more, however often it comes back.
    assert.doesNotMatch(await homeWith(oldCookie), new RegExp(X().companyName));
    assert.equal((await postWith("/refresh", oldCookie)).status, 303);
    assert.equal(emu.counters().token, before.token);

    // The session that reconnected is untouched.
    await b.page.reload();
    assert.equal(await b.page.textContent("#company-name"), X().companyName);
  });

  test("Disconnect ends the session: its old cookie shows nothing, even when the company's grant comes back outside the app", async () => {
    const b = await newSession();
    await connectIn(b.page, X().realmId);
    const oldCookie = (await sessionCookie(b.context))!;
    await b.page.click("#disconnect");
    await b.page.waitForSelector("#notice");
    assert.match((await b.page.textContent("#notice")) ?? "", /^Disconnected/);
    assert.equal(await sessionCookie(b.context), undefined);
    assert.equal(await store.get(X().realmId), undefined);

    // The company is connected again without this app's callback (the CLI's login on the same
    // store, or another instance): the ended session must not come back with it.
    const elsewhere = new HttpBrowser();
    const callback = await consent(elsewhere, appUrl, X().realmId);
    const state = new URL(callback).searchParams.get("state") ?? "";
    const token = await authClient.handleCallback(callback, { expectedState: state, updateClient: false });
    await new TokenManager({ authClient, store }).save(X().realmId, token);

    await b.context.addCookies([oldCookie]);
    await b.page.goto(`${appUrl}/`);
    await shot(b.page, "after-disconnect");
    await expectNotConnected(b.page);
    const before = emu.counters();
    assert.equal((await postWith("/refresh", oldCookie)).status, 303);
    assert.equal((await postWith("/disconnect", oldCookie)).status, 303);
    assert.equal(emu.counters().token, before.token);
    assert.equal(emu.counters().revoke, before.revoke);
    assert.equal(emu.isAccessTokenValid(token.accessToken), true);
  });

  test("a tampered session cookie is refused; another company's connect leaves a session alone", async () => {
    const c = await newSession();
    await connectIn(c.page, Y().realmId);
    const d = await newSession();
    await connectIn(d.page, X().realmId); // another company: C's session stays
    await c.page.reload();
    assert.equal(await c.page.textContent("#company-name"), Y().companyName);

    const genuine = (await sessionCookie(c.context))!;
    const other = (await sessionCookie(d.context))!;
    const [payload, mac] = genuine.value.split(".") as [string, string];
    const otherPayload = other.value.split(".")[0]!;
    const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // A changed character in the middle changes the MAC's bytes.
    const flipped = mac.slice(0, 10) + (mac[10] === "A" ? "B" : "A") + mac.slice(11);
    // The last character's lowest bit is spare (a 32-byte MAC is 43 characters): flipping it spells
    // the same bytes differently, which a byte comparison would accept.
    const respelled = mac.slice(0, -1) + B64URL[B64URL.indexOf(mac.at(-1)!) ^ 1]!;
    const forgedId = Buffer.from(JSON.stringify(randomBytes(32).toString("base64url"))).toString("base64url");
    const tampered = {
      "a changed signature": `${payload}.${flipped}`,
      "the same signature with other spare bits": `${payload}.${respelled}`,
      "another session's id under this signature": `${otherPayload}.${mac}`,
      "a made-up id, unsigned": forgedId,
      "a made-up id with this signature": `${forgedId}.${mac}`,
    };
    // The genuine cookie in a fresh profile shows the company (it is all a session needs).
    const check = await newSession();
    await check.context.addCookies([genuine]);
    await check.page.goto(`${appUrl}/`);
    assert.equal(await check.page.textContent("#company-name"), Y().companyName);
    for (const [name, value] of Object.entries(tampered)) {
      const e = await newSession();
      await e.context.addCookies([{ ...genuine, value }]);
      await e.page.goto(`${appUrl}/`);
      assert.equal(await e.page.$("#company-name"), null, name);
      assert.equal(await e.page.textContent("#connect"), "Connect to QuickBooks", name);
      const before = emu.counters();
      assert.equal((await postWith("/refresh", { ...genuine, value })).status, 303, name);
      assert.equal((await postWith("/disconnect", { ...genuine, value })).status, 303, name);
      assert.deepEqual(emu.counters(), before, name);
    }
    // Both real sessions still work.
    await c.page.reload();
    assert.equal(await c.page.textContent("#company-name"), Y().companyName);
    await d.page.reload();
    assert.equal(await d.page.textContent("#company-name"), X().companyName);
  });
});
