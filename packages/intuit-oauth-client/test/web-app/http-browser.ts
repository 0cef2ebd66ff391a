// A browser, as far as cookies and redirects matter to the example app's plain-HTTP tests: a cookie
// jar over fetch (redirects are not followed, so each test sees them), and the emulator's consent.
import assert from "node:assert/strict";

/** One cookie jar; `get` and `post` keep what the app sets and send it back. */
export class Browser {
  readonly cookies = new Map<string, string>();

  async get(url: string): Promise<Response> {
    return this.#keep(await fetch(url, { redirect: "manual", headers: { cookie: this.header() } }));
  }

  /** A form POST as a browser sends it: with this site's Origin. */
  async post(url: string, origin = new URL(url).origin): Promise<Response> {
    return this.#keep(
      await fetch(url, { method: "POST", redirect: "manual", headers: { cookie: this.header(), origin } }),
    );
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  #keep(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
}

/** Connect at the app, approve `realmId` at the emulator's consent page; returns the callback URL. */
export async function consent(
  browser: Browser,
  appUrl: string,
  realmId: string,
  start = "/connect",
): Promise<string> {
  const begin = await browser.get(`${appUrl}${start}`);
  assert.equal(begin.status, 302, `${start} redirects to Intuit`);
  const authUrl = begin.headers.get("location")!;
  const page = await (await browser.get(authUrl)).text();
  const pending = /name="pending" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(pending, "consent form");
  const decision = await fetch(new URL("/connect/oauth2/consent", authUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ pending, realmId, decision: "approve" }).toString(),
    redirect: "manual",
  });
  return decision.headers.get("location")!;
}

/** Connects `realmId` all the way: consent, callback, and the dashboard it redirects to (its HTML). */
export async function connect(
  browser: Browser,
  appUrl: string,
  realmId: string,
  start = "/connect",
): Promise<string> {
  const callback = await browser.get(await consent(browser, appUrl, realmId, start));
  assert.equal(callback.status, 303, await callback.text());
  assert.equal(callback.headers.get("location"), "/");
  const home = await browser.get(`${appUrl}/`);
  assert.equal(home.status, 200);
  return home.text();
}
