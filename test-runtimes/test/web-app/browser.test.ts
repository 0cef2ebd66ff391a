// The example web app in a real browser: Debian's Chromium (headless) driven by playwright-core, the
// app and the emulator in this process. Screenshots of every page go to test-output/web-app/.
// The emulator's grants live 20 days here, so the dashboard shows the five-year-limit warning.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createApp } from "../../../examples/web-app/app.js";
import { startEmulator, type Emulator } from "../../../packages/intuit-oauth-client-emulator/src/index.js";
import { AuthClient, FileTokenStore, TokenManager } from "../../../packages/intuit-oauth-client/src/index.js";
import { launchChromium, screenshotDir, skipWithoutChromium as skip } from "./chromium.js";

const HARD_LIFETIME_DAYS = 20;

describe("example web app in Chromium", { skip, timeout: 60_000 }, () => {
  let emu: Emulator;
  let server: Server;
  let browser: Browser;
  let appUrl: string;
  let store: FileTokenStore;
  let storeDir: string;
  let authClient: AuthClient;
  let shot = 0;
  const logs: string[] = [];

  before(async () => {
    // Listen first: the redirect URI needs the port, and the app needs the redirect URI.
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const redirectUri = `${appUrl}/callback`;
    // rotateAfter 0: every refresh issues a new refresh token value, so the test can see it change.
    emu = await startEmulator({
      port: 0,
      redirectUris: [redirectUri],
      rotateAfter: 0,
      hardLifetime: HARD_LIFETIME_DAYS * 86_400,
    });
    const { clientId, clientSecret } = emu.defaultClient;
    authClient = await AuthClient.create({
      clientId,
      clientSecret,
      redirectUri,
      environment: emu.discoveryUrl,
      singleUser: false,
      includeRefreshTokenHardExpiresIn: true,
    });
    storeDir = mkdtempSync(join(tmpdir(), "web-app-test-"));
    store = new FileTokenStore({ directory: storeDir });
    const tokens = new TokenManager({ authClient, store });
    server.on(
      "request",
      createApp({ authClient, tokens, cookieSecret: randomBytes(32), log: (line) => logs.push(line) }),
    );
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await emu?.close();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return { context, page };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    shot += 1;
    const file = `${String(shot).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: join(screenshotDir(), file), fullPage: true });
  }

  const company = () => emu.companies[1]!; // the second company, so picking one visibly matters

  test("Cancel on the consent page shows the access-denied message and stores nothing", async () => {
    const { context, page } = await newPage();
    const before = emu.counters();
    await page.goto(`${appUrl}/`);
    await page.click("#connect");
    await page.waitForURL(`${emu.url}/connect/oauth2?**`);
    await page.click("#cancel");
    await page.waitForURL(`${appUrl}/callback?**`);
    await screenshot(page, "access-denied");
    assert.equal(await page.textContent("h1"), "Not connected");
    assert.equal(
      await page.textContent("#error"),
      "You cancelled on the QuickBooks page, so access was denied.",
    );
    assert.equal(emu.counters().token, before.token);
    assert.deepEqual(await store.list(), []);
    await context.close();
  });

  test("a callback with a tampered state is a 400 and exchanges nothing", async () => {
    const { context, page } = await newPage();
    await page.goto(`${appUrl}/connect`);
    await page.waitForURL(`${emu.url}/connect/oauth2?**`);
    const pending = (await context.cookies(appUrl)).find((c) => c.name === "qbo_connect");
    assert.ok(pending, "the signed state cookie is set before the callback");
    assert.equal(pending.httpOnly, true);
    assert.equal(pending.sameSite, "Lax");
    const before = emu.counters();
    const response = await page.goto(`${appUrl}/callback?code=x&state=tampered`);
    await screenshot(page, "tampered-state");
    assert.equal(response?.status(), 400);
    assert.equal(await page.textContent("h1"), "Could not connect");
    assert.match((await page.textContent("#error")) ?? "", /expired or was tampered with/);
    assert.equal(emu.counters().token, before.token);
    assert.deepEqual(await store.list(), []);
    await context.close();
  });

  describe("connected", () => {
    let context: BrowserContext;
    let page: Page;
    before(async () => ({ context, page } = await newPage()));
    after(async () => context?.close());

    test("Connect, pick a company, approve: the dashboard shows the company and the user", async () => {
      await page.goto(`${appUrl}/`);
      await screenshot(page, "home");
      await page.click("#connect");
      await page.waitForURL(`${emu.url}/connect/oauth2?**`);
      await page.selectOption('select[name="realmId"]', company().realmId);
      await screenshot(page, "consent");
      await page.click("#connect");
      await page.waitForURL(`${appUrl}/`);
      await screenshot(page, "dashboard");
      assert.equal(await page.textContent("#company-name"), company().companyName);
      assert.equal(await page.textContent("#realm-id"), company().realmId);
      assert.equal(await page.textContent("#user-name"), "Alex Sandbox");
      assert.equal(await page.textContent("#user-email"), "alex.sandbox@example.com");
      // What the API answered, as JSON.
      const api = JSON.parse((await page.textContent("#api-response")) ?? "") as {
        CompanyInfo: { CompanyName: string };
      };
      assert.equal(api.CompanyInfo.CompanyName, company().companyName);
      // The five-year limit, known from the first exchange, counted down, and warned about.
      const hardAt = (await store.get(company().realmId))!.token.refreshTokenHardExpiresAt!;
      const days = HARD_LIFETIME_DAYS - 1;
      assert.equal(
        await page.textContent("#hard-expiry"),
        `${new Date(hardAt).toISOString()} (${days} days left)`,
      );
      assert.match(
        (await page.textContent("#hard-expiry-warning")) ?? "",
        new RegExp(`^Intuit ends this connection on ${new Date(hardAt).toISOString()}, in ${days} days`),
      );
      assert.equal(await page.getAttribute("#reconnect", "href"), "/reconnect");
      assert.deepEqual(logs, [
        `Company ${company().realmId} reaches Intuit's five-year limit in ${days} days: ask it to reconnect.`,
      ]);
      const stored = await store.list();
      assert.deepEqual(
        stored.map((r) => r.realmId),
        [company().realmId],
      );
      assert.equal(emu.isAccessTokenValid(stored[0]!.token.accessToken), true);
      assert.equal(
        (await context.cookies(appUrl)).find((c) => c.name === "qbo_connect"),
        undefined,
      );
    });

    test("Refresh tokens rotates the stored tokens; a reload does not refresh again", async () => {
      const old = (await store.get(company().realmId))!.token;
      let before = emu.counters();
      await page.click("#refresh");
      await page.waitForSelector("#notice");
      await screenshot(page, "refreshed");
      assert.equal(page.url(), `${appUrl}/`, "the POST answered with a redirect to the dashboard");
      assert.match((await page.textContent("#notice")) ?? "", /^Tokens refreshed/);
      const now = (await store.get(company().realmId))!.token;
      assert.notEqual(now.accessToken, old.accessToken);
      assert.notEqual(now.refreshToken, old.refreshToken);
      assert.ok(now.receivedAt >= old.receivedAt);
      assert.equal(emu.isAccessTokenValid(now.accessToken), true);
      let after = emu.counters();
      assert.equal(after.token, before.token + 1);
      assert.equal(after.api, before.api + 1);
      assert.equal(await page.textContent("#company-name"), company().companyName);

      // Post/redirect/get: the reload is a GET of the dashboard, without the notice and without a refresh.
      before = after;
      await page.reload();
      after = emu.counters();
      assert.equal(after.token, before.token);
      assert.equal(after.api, before.api + 1);
      assert.equal(await page.$("#notice"), null);
      assert.equal((await store.get(company().realmId))!.token.refreshToken, now.refreshToken);
    });

    test("Call API again calls the API once and shows what came back", async () => {
      const before = emu.counters();
      const shown = await page.textContent("#api-request");
      await page.click("#call-api");
      await page.waitForFunction((old) => document.querySelector("#api-request")?.textContent !== old, shown);
      await screenshot(page, "api-called");
      const after = emu.counters();
      assert.equal(after.api, before.api + 1);
      assert.equal(after.token, before.token);
      const request = (await page.textContent("#api-request")) ?? "";
      const realmId = company().realmId;
      assert.match(
        request,
        new RegExp(
          `^GET /v3/company/${realmId}/companyinfo/${realmId} answered HTTP 200 at \\S+ \\(intuit_tid 1-`,
        ),
      );
      const api = JSON.parse((await page.textContent("#api-response")) ?? "") as {
        CompanyInfo: { CompanyName: string; Id: string };
      };
      assert.equal(api.CompanyInfo.CompanyName, company().companyName);
      assert.equal(api.CompanyInfo.Id, "1");
    });

    test("a POST from another origin is refused with 403 and changes nothing", async () => {
      const cookie = (await context.cookies(appUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
      const before = emu.counters();
      const res = await fetch(`${appUrl}/disconnect`, {
        method: "POST",
        headers: { cookie, origin: "http://attacker.example" },
      });
      assert.equal(res.status, 403);
      assert.match(await res.text(), /not sent from this site/);
      assert.equal(emu.counters().revoke, before.revoke);
      assert.equal((await store.list()).length, 1);
    });

    test("Disconnect revokes the grant at the emulator and empties the store", async () => {
      const old = (await store.get(company().realmId))!.token;
      const before = emu.counters();
      await page.click("#disconnect");
      await page.waitForSelector("text=Disconnected");
      await screenshot(page, "disconnected");
      assert.equal(emu.counters().revoke, before.revoke + 1);
      await page.reload(); // post/redirect/get: nothing is revoked again
      assert.equal(emu.counters().revoke, before.revoke + 1);
      assert.equal(await page.$("#notice"), null);
      assert.equal(emu.isAccessTokenValid(old.accessToken), false);
      assert.deepEqual(await store.list(), []);
      assert.equal(
        (await context.cookies(appUrl)).find((c) => c.name === "qbo_session"),
        undefined,
      );
      assert.equal(await page.textContent("#connect"), "Connect to QuickBooks");
    });

    test("a grant revoked elsewhere shows the Reconnect page, and Reconnect connects again", async () => {
      await page.click("#connect");
      await page.waitForURL(`${emu.url}/connect/oauth2?**`);
      await page.click("#connect");
      await page.waitForURL(`${appUrl}/`);
      const realmId = emu.companies[0]!.realmId;
      assert.equal(await page.textContent("#company-name"), emu.companies[0]!.companyName);
      // The user disconnects the app on Intuit's side; our access token then expires.
      await authClient.revoke((await store.get(realmId))!.token.refreshToken, { updateClient: false });
      emu.expireAccessTokens(realmId);
      await page.reload();
      await screenshot(page, "reconnect-needed");
      assert.equal(await page.textContent("h1"), "Reconnection needed");
      assert.equal((await store.get(realmId))?.reauthorization?.reason, "invalid_grant");
      assert.equal(await page.textContent("#connect"), "Reconnect");
      assert.equal(await page.getAttribute("#connect", "href"), "/reconnect");
      assert.equal(
        logs.at(-1),
        `Company ${realmId} must reconnect (invalid_grant); its Reconnect page is /reconnect.`,
      );
      await page.click("#connect");
      await page.waitForURL(`${emu.url}/connect/oauth2?**`);
      await page.click("#connect");
      await page.waitForURL(`${appUrl}/`);
      assert.equal(await page.textContent("#company-name"), emu.companies[0]!.companyName);
      assert.equal(
        await page.textContent("#notice"),
        "Reconnected: QuickBooks accepts this app's access again.",
      );
      assert.equal((await store.get(realmId))?.reauthorization, undefined);
    });

    test("the Disconnect URL and an unknown path are pages in the app's style", async () => {
      await page.goto(`${appUrl}/disconnected`);
      await screenshot(page, "disconnect-url");
      assert.equal(await page.textContent("h1"), "Disconnected from QuickBooks");
      const response = await page.goto(`${appUrl}/no-such-page`);
      await screenshot(page, "not-found");
      assert.equal(response?.status(), 404);
      assert.equal(await page.textContent("h1"), "Page not found");
      assert.equal(await page.textContent("#error"), "There is no page at /no-such-page.");
      // The layout's stylesheet applies (Express's own 404 is an unstyled "Cannot GET /no-such-page").
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).maxWidth), "640px");
    });
  });

  test("opened on 127.0.0.1 while the redirect URI says localhost, the app moves to localhost and connects", async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const port = (other.address() as AddressInfo).port;
    const redirectUri = `http://localhost:${port}/callback`;
    const emuLocal = await startEmulator({ port: 0, redirectUris: [redirectUri] });
    const client = await AuthClient.create({
      clientId: emuLocal.defaultClient.clientId,
      clientSecret: emuLocal.defaultClient.clientSecret,
      redirectUri,
      environment: emuLocal.discoveryUrl,
      singleUser: false,
    });
    const tokens = new TokenManager({ authClient: client });
    other.on(
      "request",
      createApp({ authClient: client, tokens, cookieSecret: randomBytes(32), log: () => {} }),
    );
    const { context, page } = await newPage();
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      assert.equal(page.url(), `http://localhost:${port}/`);
      await page.click("#connect");
      await page.waitForURL(`${emuLocal.url}/connect/oauth2?**`);
      await page.click("#connect");
      await page.waitForURL(`http://localhost:${port}/`);
      await screenshot(page, "moved-to-localhost");
      assert.equal(await page.textContent("#company-name"), emuLocal.companies[0]!.companyName);
    } finally {
      await context.close();
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
      await emuLocal.close();
    }
  });
});
