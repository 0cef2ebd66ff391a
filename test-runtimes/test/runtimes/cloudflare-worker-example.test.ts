// examples/cloudflare-worker in workerd WITHOUT nodejs_compat, against the emulator: bundled the way
// wrangler bundles a Worker (esbuild, ESM, the library resolved to its portable build), then driven
// over HTTP on 127.0.0.1 by this test playing the browser, cookies and all.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { startEmulator, type Emulator } from "../../../packages/intuit-oauth-client-emulator/src/index.js";
import { PORTABLE_BUILD, ROOT, requireRuntime } from "./harness.js";
import { startWorkerd, type Workerd } from "./workerd.js";

// wrangler dev's address. The emulator redirects the browser there; this test, being the browser,
// takes that callback to wherever workerd listens (the Worker routes on the path alone).
const REDIRECT_URI = "http://localhost:8787/callback";

/** The example as wrangler would bundle it, with `intuit-oauth-client` resolved to dist/edge. */
async function bundleExample(): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, "examples", "cloudflare-worker", "src", "worker.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    logLevel: "silent",
    plugins: [
      {
        // library.ts re-exports the source inside this repository; a user's says
        // `export * from "intuit-oauth-client"`, which the workerd condition resolves to dist/edge.
        name: "the-published-portable-build",
        setup(b) {
          b.onResolve({ filter: /\/src\/index\.portable\.js$/ }, () => ({ path: PORTABLE_BUILD }));
        },
      },
    ],
  });
  const [file] = result.outputFiles;
  assert.ok(file, "esbuild produced the bundle");
  return file.text;
}

/** A browser with a cookie jar that never follows redirects on its own. */
function browser(origin: string) {
  const jar = new Map<string, string>();
  const bodies: string[] = [];
  const setCookies: string[] = [];
  return {
    jar,
    bodies,
    setCookies,
    async get(target: string, options: { cookies?: boolean } = {}) {
      const url = new URL(target, origin);
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
      const res = await fetch(url, {
        redirect: "manual",
        headers: options.cookies === false || cookie === "" ? {} : { cookie },
      });
      for (const line of res.headers.getSetCookie()) {
        setCookies.push(line);
        const [pair = ""] = line.split(";");
        const eq = pair.indexOf("=");
        const name = pair.slice(0, eq);
        if (/max-age=0\b/i.test(line)) jar.delete(name);
        else jar.set(name, pair.slice(eq + 1));
      }
      const body = await res.text();
      bodies.push(body);
      return { status: res.status, location: res.headers.get("location"), body, res };
    },
  };
}

/** The error code the example's error page shows, e.g. `ERR_CALLBACK (state_mismatch)`. */
const errorCode = (body: string) => /<code id="error-code">([^<]*)<\/code>/.exec(body)?.[1];

/** What a signed cookie holds (its payload is readable base64url JSON; the MAC only proves origin). */
const cookiePayload = (value: string | undefined) =>
  JSON.parse(Buffer.from((value ?? "").split(".")[0] ?? "", "base64url").toString("utf8")) as {
    v: unknown;
    exp: number;
  };

test(
  "examples/cloudflare-worker connects a company and calls the API, in workerd without nodejs_compat",
  { skip: requireRuntime("workerd") },
  async () => {
    const code = await bundleExample();
    assert.doesNotMatch(code, /\bfrom\s*["']node:|\brequire\s*\(/, "the bundle imports no Node built-in");
    const emu: Emulator = await startEmulator({ port: 0, autoApprove: true, redirectUris: [REDIRECT_URI] });
    let worker: Workerd | undefined;
    try {
      worker = await startWorkerd({
        modules: [{ name: "worker.js", source: code }],
        bindings: {
          INTUIT_CLIENT_ID: emu.defaultClient.clientId,
          INTUIT_CLIENT_SECRET: emu.defaultClient.clientSecret,
          INTUIT_REDIRECT_URI: REDIRECT_URI,
          INTUIT_ENVIRONMENT: emu.discoveryUrl,
          COOKIE_SECRET: randomBytes(32).toString("base64url"),
        },
      });
      const context = () => `workerd output:\n${worker?.stderr()}`;
      const [first, second] = emu.companies;
      assert.ok(first && second);
      const b = browser(worker.url);

      // Not connected yet: the Connect link.
      const home = await b.get("/");
      assert.equal(home.status, 200, context());
      assert.match(home.body, /<a href="\/connect">Connect to QuickBooks<\/a>/);

      /** /connect → Intuit (the emulator approves at once) → the callback URL, at the Worker. */
      async function toIntuitAndBack(): Promise<URL> {
        const connect = await b.get("/connect");
        assert.equal(connect.status, 302, context());
        const authorize = new URL(connect.location ?? "");
        assert.equal(`${authorize.origin}${authorize.pathname}`, `${emu.url}/connect/oauth2`);
        assert.equal(authorize.searchParams.get("redirect_uri"), REDIRECT_URI);
        const pending = cookiePayload(b.jar.get("qbo_connect"));
        assert.deepEqual(Object.keys(pending.v as object).sort(), ["nonce", "state"]);
        assert.equal((pending.v as { state: string }).state, authorize.searchParams.get("state"));
        const intuit = await fetch(authorize, { redirect: "manual" });
        await intuit.body?.cancel();
        assert.equal(intuit.status, 302);
        const back = new URL(intuit.headers.get("location") ?? "");
        assert.equal(`${back.origin}${back.pathname}`, REDIRECT_URI);
        return new URL(`${back.pathname}${back.search}`, worker?.url);
      }

      // The pending cookie is HttpOnly, SameSite=Lax, ten minutes, and not Secure on plain http.
      const callback = await toIntuitAndBack();
      const pendingLine = b.setCookies.find((c) => c.startsWith("qbo_connect="));
      assert.match(pendingLine ?? "", /; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);

      // Without this browser's cookie, or with a forged one, the callback is refused before any exchange.
      const noCookie = await b.get(callback.href, { cookies: false });
      assert.equal(noCookie.status, 400, context());
      assert.equal(errorCode(noCookie.body), "ERR_CALLBACK (no_expected_state)");
      const genuine = b.jar.get("qbo_connect") ?? "";
      b.jar.set("qbo_connect", `${genuine.slice(0, -2)}${genuine.endsWith("AA") ? "BB" : "AA"}`);
      const forged = await b.get(callback.href);
      assert.equal(errorCode(forged.body), "ERR_CALLBACK (no_expected_state)");
      assert.equal(emu.counters().token, 0, "no code was exchanged");

      // A callback whose realmId was edited to another company: the ID token's realmid decides.
      const tampered = await toIntuitAndBack();
      tampered.searchParams.set("realmId", second.realmId);
      const mismatch = await b.get(tampered.href);
      assert.equal(mismatch.status, 400, context());
      assert.equal(errorCode(mismatch.body), "ERR_CALLBACK (realm_mismatch)");
      assert.equal(b.jar.has("qbo_connect"), false, "the pending cookie is single use");
      assert.equal(b.jar.has("qbo_realm"), false, "nothing was connected");

      // The real thing: stored, the realm cookie set, back home with the company's name.
      const done = await b.get((await toIntuitAndBack()).href);
      assert.equal(done.status, 303, `${done.body}\n${context()}`);
      assert.equal(done.location, "/");
      assert.equal(b.jar.has("qbo_connect"), false);
      assert.deepEqual(cookiePayload(b.jar.get("qbo_realm")).v, first.realmId);
      const connected = await b.get("/");
      assert.equal(connected.status, 200, context());
      assert.match(connected.body, new RegExp(`<strong id="company">${first.companyName}</strong>`));
      assert.match(connected.body, new RegExp(`<span id="realm">${first.realmId}</span>`));

      // Intuit revokes the access token early: the API call refreshes and retries once, and the
      // rotated tokens are saved in the store the Worker was given.
      const before = emu.counters();
      emu.expireAccessTokens(first.realmId);
      const again = await b.get("/");
      assert.equal(again.status, 200, context());
      assert.match(again.body, new RegExp(`<strong id="company">${first.companyName}</strong>`));
      const after = emu.counters();
      assert.equal(after.api - before.api, 2, "a 401, then the retry");
      assert.equal(after.token - before.token, 1, "one refresh");
      const third = await b.get("/");
      assert.equal(third.status, 200);
      assert.equal(emu.counters().token, after.token, "the refreshed token was kept: no second refresh");

      // Concurrent requests in one isolate that all meet the 401 share one refresh.
      emu.expireAccessTokens(first.realmId);
      const burst = await Promise.all([b.get("/"), b.get("/"), b.get("/")]);
      assert.deepEqual(
        burst.map((r) => r.status),
        [200, 200, 200],
        context(),
      );
      assert.equal(emu.counters().token, after.token + 1, `one refresh for the burst\n${context()}`);

      // Two grants were made (the tampered callback's and the real one); only the real one is stored.
      assert.deepEqual(
        emu.grants().map((g) => [g.realmId, g.revoked]),
        [
          [first.realmId, false],
          [first.realmId, false],
        ],
      );
      // No page and no cookie carries a token: Intuit's (and the emulator's) access tokens are JWEs
      // of some 900 characters, refresh tokens start RT1-, ID tokens are JWTs.
      for (const text of [...b.bodies, ...b.setCookies])
        assert.doesNotMatch(text, /[\w-]{400,}|RT1-|eyJ[\w-]+\.eyJ/);
    } finally {
      await worker?.close();
      await emu.close();
    }
  },
);
