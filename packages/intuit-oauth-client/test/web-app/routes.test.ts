// The example app's routes over plain HTTP (no browser needed): one host, the explained sign-in
// failure, post/redirect/get for the buttons, the styled 404, the Launch, Reconnect and Disconnect
// URLs Intuit's portal asks for, and the five-year limit on the dashboard.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createApp } from "../../../../examples/web-app/app.js";
import { startEmulator, type Emulator } from "../../../intuit-oauth-client-emulator/src/index.js";
import { AuthClient, MemoryTokenStore, TokenManager } from "../../src/index.js";
import { Browser, connect, consent } from "./http-browser.js";

const DAY_MS = 86_400_000;

interface Running {
  emu: Emulator;
  server: Server;
  port: number;
  /** The app at its redirect URI's host, localhost. */
  url: string;
  authClient: AuthClient;
  store: MemoryTokenStore;
  logs: string[];
  close(): Promise<void>;
}

/** The emulator and the app, whose redirect URI is on localhost while it listens on 127.0.0.1. */
async function startApp(
  options: { hardExpiryHeader?: boolean; callbackPath?: string } = {},
): Promise<Running> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  const redirectUri = `${url}${options.callbackPath ?? "/callback"}`;
  const emu = await startEmulator({ port: 0, redirectUris: [redirectUri] });
  const authClient = await AuthClient.create({
    clientId: emu.defaultClient.clientId,
    clientSecret: emu.defaultClient.clientSecret,
    redirectUri,
    environment: emu.discoveryUrl,
    singleUser: false,
    includeRefreshTokenHardExpiresIn: options.hardExpiryHeader ?? true,
  });
  const store = new MemoryTokenStore();
  const tokens = new TokenManager({ authClient, store });
  const logs: string[] = [];
  server.on(
    "request",
    createApp({ authClient, tokens, cookieSecret: randomBytes(32), log: (line) => logs.push(line) }),
  );
  return {
    emu,
    server,
    port,
    url,
    authClient,
    store,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emu.close();
    },
  };
}

/** A raw request, for targets fetch would normalise (`//evil.example/`). */
function rawGet(port: number, path: string, host: string): Promise<{ status: number; location: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? "" });
    });
    req.on("error", reject).end();
  });
}

/** The inner HTML of the element with `id`, with the pages' `&#NN;` escapes decoded. */
const text = (html: string, id: string) =>
  new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(?:dd|p|pre|h1|span|a)>`)
    .exec(html)?.[1]
    ?.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe("the example app over plain HTTP", () => {
  let app: Running;
  before(async () => (app = await startApp()));
  after(async () => app?.close());
  const realm = () => app.emu.companies[0]!.realmId;

  test("a page opened on 127.0.0.1 redirects to the redirect URI's host, with its path and port", async () => {
    const res = await fetch(`http://127.0.0.1:${app.port}/launch?from=quickbooks`, { redirect: "manual" });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get("location"), `http://localhost:${app.port}/launch?from=quickbooks`);
    // On the right host there is no redirect.
    assert.equal((await fetch(`${app.url}/`, { redirect: "manual" })).status, 200);
    // A target that looks like another host never chooses where the redirect goes.
    for (const path of ["//evil.example/x", "http://evil.example/x"])
      assert.deepEqual(await rawGet(app.port, path, `127.0.0.1:${app.port}`), {
        status: 307,
        location: `http://localhost:${app.port}/`,
      });
    // Nor does a Host header with more than a port after the name.
    const odd = await rawGet(app.port, "/", `127.0.0.1:${app.port}@evil.example`);
    assert.doesNotMatch(odd.location, /evil/);
    // A POST is never redirected (a 307 would post again); the Origin check still applies.
    const post = await fetch(`http://127.0.0.1:${app.port}/refresh`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: "http://attacker.example" },
    });
    assert.equal(post.status, 403);
  });

  test("a callback without this browser's sign-in says where to start, and exchanges nothing", async () => {
    const before = app.emu.counters();
    const res = await fetch(`${app.url}/callback?code=c&state=s&realmId=${realm()}`);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.equal(
      text(html, "error"),
      [
        `This browser has no sign-in in progress at http://localhost:${app.port}. A sign-in must start `,
        "and end at the same address, within ten minutes: the sign-in link expired, or it was started at ",
        "another address. Please start again here.",
      ].join(""),
    );
    assert.equal(app.emu.counters().token, before.token);
  });

  test("an unknown path is a styled 404 page, with the path escaped", async () => {
    const res = await fetch(`${app.url}/no/such/<page>`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    const html = await res.text();
    assert.equal(text(html, "error"), "There is no page at <code>/no/such/%3Cpage%3E</code>.");
    assert.match(html, /<h1>Page not found<\/h1>/);
    assert.match(html, /<style>[\s\S]*max-width: 40rem/);
    assert.doesNotMatch(html, /Cannot GET/);
  });

  test("the dashboard shows the API's answer and the five-year limit, counted from the first exchange", async () => {
    const browser = new Browser();
    const html = await connect(browser, app.url, realm());
    const token = (await app.store.get(realm()))!.token;
    assert.equal(typeof token.refreshTokenHardExpiresAt, "number", "the limit is stored from day one");
    const days = Math.floor((token.refreshTokenHardExpiresAt! - Date.now()) / DAY_MS);
    assert.equal(days, 5 * 365 - 1); // the emulator's five years, less the moments since
    assert.equal(
      text(html, "hard-expiry"),
      `${new Date(token.refreshTokenHardExpiresAt!).toISOString()} (${days} days left)`,
    );
    assert.doesNotMatch(html, /hard-expiry-warning/);
    assert.deepEqual(app.logs, []);
    const body = JSON.parse(text(html, "api-response")!) as {
      CompanyInfo: { CompanyName: string; Id: string };
    };
    assert.equal(body.CompanyInfo.CompanyName, app.emu.companies[0]!.companyName);
    assert.match(
      text(html, "api-request")!,
      new RegExp(
        `^<code>GET /v3/company/${realm()}/companyinfo/${realm()}</code> answered HTTP 200 at \\S+ \\(intuit_tid <code>1-[0-9a-f-]+</code>\\):$`,
      ),
    );
  });

  test("Refresh and Disconnect answer with 303 to the dashboard, which shows the result once", async () => {
    const browser = new Browser();
    await connect(browser, app.url, realm());
    let before = app.emu.counters();
    const refreshed = await browser.post(`${app.url}/refresh`);
    assert.equal(refreshed.status, 303);
    assert.equal(refreshed.headers.get("location"), "/");
    assert.equal(app.emu.counters().token, before.token + 1);
    const shown = await (await browser.get(`${app.url}/`)).text();
    assert.match(text(shown, "notice")!, /^Tokens refreshed: the new access token is valid until \d{4}-/);
    // Reloading the page after the button: no notice, no second refresh.
    before = app.emu.counters();
    const reloaded = await (await browser.get(`${app.url}/`)).text();
    assert.equal(text(reloaded, "notice"), undefined);
    assert.equal(app.emu.counters().token, before.token);
    assert.equal(app.emu.counters().api, before.api + 1);

    before = app.emu.counters();
    const gone = await browser.post(`${app.url}/disconnect`);
    assert.equal(gone.status, 303);
    assert.equal(gone.headers.get("location"), "/");
    assert.equal(app.emu.counters().revoke, before.revoke + 1);
    const home = await (await browser.get(`${app.url}/`)).text();
    assert.equal(text(home, "notice"), "Disconnected: the tokens were revoked at Intuit and deleted here.");
    assert.equal(await app.store.get(realm()), undefined);
    assert.equal(text(await (await browser.get(`${app.url}/`)).text(), "notice"), undefined);
  });

  test("Launch URL: the dashboard when connected, else a connect", async () => {
    const stranger = await new Browser().get(`${app.url}/launch`);
    assert.equal(stranger.status, 303);
    assert.equal(stranger.headers.get("location"), "/connect");
    const browser = new Browser();
    await connect(browser, app.url, realm());
    const known = await browser.get(`${app.url}/launch`);
    assert.equal(known.status, 303);
    assert.equal(known.headers.get("location"), "/");
  });

  test("Disconnect URL: a page that says so and changes nothing", async () => {
    const browser = new Browser();
    await connect(browser, app.url, realm());
    const stored = JSON.stringify(await app.store.get(realm()));
    const res = await browser.get(`${app.url}/disconnected?realmId=${realm()}`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h1>Disconnected from QuickBooks<\/h1>/);
    assert.match(html, /id="connect" href="\/connect">Connect again</);
    assert.equal(JSON.stringify(await app.store.get(realm())), stored);
    assert.ok(browser.cookies.has("qbo_session"));
  });

  test("a grant revoked at Intuit shows Reconnect needed; the Reconnect URL connects it again", async () => {
    const browser = new Browser();
    await connect(browser, app.url, realm());
    await app.authClient.revoke((await app.store.get(realm()))!.token.refreshToken, { updateClient: false });
    app.emu.expireAccessTokens(realm());
    const dead = await (await browser.get(`${app.url}/`)).text();
    assert.match(dead, /<h1>Reconnection needed<\/h1>/);
    assert.match(text(dead, "error")!, /\(it was disconnected, or its access was revoked\)/);
    assert.match(dead, /id="connect" href="\/reconnect">Reconnect</);
    assert.deepEqual(app.logs, [
      `Company ${realm()} must reconnect (invalid_grant); its Reconnect page is /reconnect.`,
    ]);
    // From now on the store says so: the page needs no call to Intuit.
    const before = app.emu.counters();
    assert.match(await (await browser.get(`${app.url}/`)).text(), /<h1>Reconnection needed<\/h1>/);
    assert.deepEqual(app.emu.counters(), before);
    // A button on a dead grant goes back to that page (303), without asking Intuit.
    const refresh = await browser.post(`${app.url}/refresh`);
    assert.equal(refresh.status, 303);
    assert.equal(refresh.headers.get("location"), "/");
    assert.deepEqual(app.emu.counters(), before);

    const html = await connect(browser, app.url, realm(), "/reconnect");
    assert.equal(text(html, "notice"), "Reconnected: QuickBooks accepts this app's access again.");
    assert.equal(text(html, "company-name"), app.emu.companies[0]!.companyName);
    assert.equal((await app.store.get(realm()))?.reauthorization, undefined);
  });

  test("the Reconnect URL trusts nothing in its query: the consent decides the company", async () => {
    const browser = new Browser();
    const other = app.emu.companies[1]!.realmId;
    const callback = await consent(browser, app.url, other, `/reconnect?realmId=${realm()}`);
    assert.equal((await browser.get(callback)).status, 303);
    assert.equal(
      text(await (await browser.get(`${app.url}/`)).text(), "company-name"),
      app.emu.companies[1]!.companyName,
    );
  });
});

test("without the hard-expiry header the dashboard says the limit was not requested; the callback is at the redirect URI's path", async () => {
  const app = await startApp({ hardExpiryHeader: false, callbackPath: "/oauth/intuit.callback" });
  try {
    const browser = new Browser();
    const callback = await consent(browser, app.url, app.emu.companies[0]!.realmId);
    assert.equal(new URL(callback).pathname, "/oauth/intuit.callback");
    assert.equal((await browser.get(callback)).status, 303);
    const html = await (await browser.get(`${app.url}/`)).text();
    const token = (await app.store.get(app.emu.companies[0]!.realmId))!.token;
    assert.equal(token.refreshTokenHardExpiresAt, undefined);
    assert.equal(text(html, "hard-expiry"), "not requested (includeRefreshTokenHardExpiresIn is off)");
    // The path is literal: "." is no wildcard, and /callback is not served.
    assert.equal((await fetch(`${app.url}/oauth/intuitXcallback`)).status, 404);
    assert.equal((await fetch(`${app.url}/callback`)).status, 404);
  } finally {
    await app.close();
  }
});
