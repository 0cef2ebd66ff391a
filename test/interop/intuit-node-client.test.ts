// Intuit's own Node client (npm `intuit-oauth`) runs its whole flow against the emulator on 127.0.0.1,
// changing only the endpoint properties a user would change. Every step must pass. Offline by construction:
// any DNS lookup of a name other than localhost fails the test.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import dns from "node:dns";
import { isIP } from "node:net";
import OAuthClient from "intuit-oauth";
import {
  startEmulator,
  type Emulator,
  type EndpointName,
} from "../../packages/intuit-oauth-client-emulator/src/index.js";

const REALM = "9341453050198162";
const INTUIT_STATICS = {
  authorizeEndpoint: OAuthClient.authorizeEndpoint,
  tokenEndpoint: OAuthClient.tokenEndpoint,
  revokeEndpoint: OAuthClient.revokeEndpoint,
  userinfo_endpoint_sandbox: OAuthClient.userinfo_endpoint_sandbox,
  jwks_uri: OAuthClient.jwks_uri,
  sandbox: OAuthClient.environment.sandbox,
};

// The offline guard: the client must never resolve an Intuit (or any other) host name.
const originalLookup = dns.lookup;
const lookedUp: string[] = [];
before(() => {
  (dns as { lookup: unknown }).lookup = function lookup(hostname: string, ...rest: unknown[]) {
    const loopback =
      hostname === "localhost" || hostname === "::1" || (isIP(hostname) === 4 && hostname.startsWith("127."));
    if (loopback) return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
    lookedUp.push(hostname);
    const callback = rest.find((r) => typeof r === "function") as (err: Error) => void;
    const err = Object.assign(new Error(`offline test: refused to resolve ${hostname}`), {
      code: "ENOTFOUND",
    });
    process.nextTick(() => callback(err));
    return undefined;
  };
});
after(() => {
  (dns as { lookup: unknown }).lookup = originalLookup;
  // setAuthorizeURLs and the other endpoints are class statics: put Intuit's back.
  OAuthClient.authorizeEndpoint = INTUIT_STATICS.authorizeEndpoint;
  OAuthClient.tokenEndpoint = INTUIT_STATICS.tokenEndpoint;
  OAuthClient.revokeEndpoint = INTUIT_STATICS.revokeEndpoint;
  OAuthClient.userinfo_endpoint_sandbox = INTUIT_STATICS.userinfo_endpoint_sandbox;
  OAuthClient.jwks_uri = INTUIT_STATICS.jwks_uri;
  OAuthClient.environment.sandbox = INTUIT_STATICS.sandbox;
});

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

/** What a user does to point Intuit's client at another Intuit: the endpoint properties, nothing else. */
function pointAt(client: OAuthClient, e: Emulator): void {
  client.setAuthorizeURLs({
    authorizeEndpoint: `${e.url}/connect/oauth2`,
    tokenEndpoint: `${e.url}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${e.url}/v2/oauth2/tokens/revoke`,
    userInfoEndpoint: `${e.url}/v1/openid_connect/userinfo`,
  });
  OAuthClient.jwks_uri = `${e.url}/op/v1/jwks`;
  OAuthClient.environment.sandbox = `${e.url}/`;
}

function newClient(secret = emu.defaultClient.clientSecret): OAuthClient {
  const client = new OAuthClient({
    clientId: emu.defaultClient.clientId,
    clientSecret: secret,
    environment: "sandbox",
    redirectUri: emu.defaultClient.redirectUri,
  });
  pointAt(client, emu);
  return client;
}

/** The browser: open the authorize URL, click Connect for the company, follow back to the redirect URI. */
async function consent(authorizeUri: string): Promise<string> {
  const page = await fetch(authorizeUri, { redirect: "manual" });
  const html = await page.text();
  assert.equal(page.status, 200, html);
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(pending, "the consent page carries its pending id");
  const res = await fetch(`${emu.url}/connect/oauth2/consent`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ pending, realmId: REALM, decision: "approve" }).toString(),
    redirect: "manual",
  });
  assert.equal(res.status, 302);
  return res.headers.get("location") ?? "";
}

/** The error the client throws, for assertions on its `error` field. */
async function thrown(p: Promise<unknown>): Promise<{ error?: string; message?: string }> {
  return p.then(
    () => assert.fail("expected the client to throw"),
    (e: unknown) => e as { error?: string; message?: string },
  );
}

function delta(before: Record<EndpointName, number>, name: EndpointName): number {
  return emu.counters()[name] - before[name];
}

test("intuit-oauth 4.x: every step of its flow passes against the emulator", async () => {
  const steps: Array<{ name: string; ok: boolean; error?: string }> = [];
  const step = async (name: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
      steps.push({ name, ok: true });
    } catch (err) {
      steps.push({ name, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  };

  const client = newClient();
  let callbackUrl = "";
  let firstRefreshToken = "";

  await step("authorizeUri points at the emulator with Intuit's parameters", () => {
    const uri = client.authorizeUri({
      scope: [
        OAuthClient.scopes.Accounting,
        OAuthClient.scopes.OpenId,
        OAuthClient.scopes.Email,
        OAuthClient.scopes.Profile,
      ],
      state: "interop-state",
    });
    const url = new URL(uri);
    assert.equal(`${url.origin}${url.pathname}`, `${emu.url}/connect/oauth2`);
    assert.equal(url.searchParams.get("client_id"), emu.defaultClient.clientId);
    assert.equal(url.searchParams.get("response_type"), "code");
    assert.equal(url.searchParams.get("state"), "interop-state");
    callbackUrl = uri;
  });

  await step(
    "consent: the page's Connect redirects to the redirect URI with code, state and realmId",
    async () => {
      callbackUrl = await consent(callbackUrl);
      const cb = new URL(callbackUrl);
      assert.equal(`${cb.origin}${cb.pathname}`, emu.defaultClient.redirectUri);
      assert.equal(cb.searchParams.get("state"), "interop-state");
      assert.equal(cb.searchParams.get("realmId"), REALM);
      assert.match(cb.searchParams.get("code") ?? "", /^AB11/);
    },
  );

  await step("createToken exchanges the code", async () => {
    const before = emu.counters();
    const res = await client.createToken(callbackUrl);
    const json = res.getJson() as Record<string, unknown>;
    assert.equal(json.token_type, "bearer");
    assert.equal(json.expires_in, 3600);
    assert.equal(typeof json.id_token, "string");
    assert.equal(client.getToken().realmId, REALM);
    assert.equal(client.isAccessTokenValid(), true);
    assert.equal(emu.isAccessTokenValid(String(json.access_token)), true);
    assert.equal(delta(before, "token"), 1);
    firstRefreshToken = String(json.refresh_token);
  });

  await step("getUserInfo returns the signed-in user's camelCase claims", async () => {
    const res = await client.getUserInfo();
    assert.deepEqual(res.getJson(), {
      sub: "5a3c8e2f-41b7-4d09-9f6e-2b7c1d0a9e34",
      email: "alex.sandbox@example.com",
      emailVerified: true,
      givenName: "Alex",
      familyName: "Sandbox",
    });
  });

  await step("validateIdToken with its hard-coded issuer, against the emulator's JWKS", async () => {
    const before = emu.counters();
    assert.equal(await client.validateIdToken(), true);
    assert.equal(delta(before, "jwks"), 1);
  });

  await step("makeApiCall to companyinfo (relative URL on the environment base)", async () => {
    const res = await client.makeApiCall({ url: `v3/company/${REALM}/companyinfo/${REALM}?minorversion=75` });
    assert.equal(res.status, 200);
    const body = res.json as { CompanyInfo: { CompanyName: string; Country: string } };
    assert.equal(body.CompanyInfo.CompanyName, "Sandbox Company_US_1");
    assert.equal(body.CompanyInfo.Country, "US");
  });

  await step("makeApiCall to a query (absolute URL)", async () => {
    const query = encodeURIComponent("select * from Customer where Balance > '0' maxresults 2");
    const res = await client.makeApiCall({
      url: `${emu.url}/v3/company/${REALM}/query?query=${query}&minorversion=75`,
    });
    const body = res.json as { QueryResponse: { Customer: Array<{ Id: string }> } };
    assert.deepEqual(
      body.QueryResponse.Customer.map((c) => c.Id),
      ["1", "2"],
    );
  });

  await step("refresh keeps the value within 24 h (Intuit rotates about daily)", async () => {
    const res = await client.refresh();
    const json = res.getJson() as Record<string, unknown>;
    assert.equal(json.refresh_token, firstRefreshToken);
    assert.notEqual(client.getToken().access_token, "");
  });

  await step("refreshUsingToken with the stored refresh token", async () => {
    const res = await client.refreshUsingToken(firstRefreshToken);
    assert.equal((res.getJson() as Record<string, unknown>).refresh_token, firstRefreshToken);
  });

  let rotated = "";
  await step(
    "rotation after a clock advance: a new refresh token value, the old one still in grace",
    async () => {
      emu.advanceClock(25 * 60 * 60 * 1000);
      const res = await client.refresh();
      rotated = String((res.getJson() as Record<string, unknown>).refresh_token);
      assert.notEqual(rotated, firstRefreshToken);
      assert.match(rotated, /^RT1-/);
      const old = await client.refreshUsingToken(firstRefreshToken);
      assert.equal((old.getJson() as Record<string, unknown>).refresh_token, rotated);
    },
  );

  await step("validateIdToken still passes after the clock advance (real-clock claims)", async () => {
    assert.equal(await client.validateIdToken(), true);
  });

  await step("makeApiCall works with the rotated grant's access token", async () => {
    const res = await client.makeApiCall({ url: `v3/company/${REALM}/companyinfo/${REALM}` });
    assert.equal((res.json as { CompanyInfo: { Id: string } }).CompanyInfo.Id, "1");
  });

  await step("revoke ends the grant and clears the client's token", async () => {
    const access = client.getToken().access_token;
    const res = await client.revoke();
    assert.equal(res.status(), 200);
    assert.equal(client.getToken().access_token, "");
    assert.equal(emu.isAccessTokenValid(access), false);
  });

  await step("a revoked refresh token is refused with invalid_grant", async () => {
    const err = await thrown(client.refreshUsingToken(rotated));
    assert.equal(err.error, "invalid_grant");
  });

  await step("a reused code is refused with invalid_grant", async () => {
    const err = await thrown(newClient().createToken(callbackUrl));
    assert.equal(err.error, "invalid_grant");
  });

  await step("a wrong client secret is refused with invalid_client", async () => {
    const fresh = newClient();
    const cb = await consent(fresh.authorizeUri({ scope: [OAuthClient.scopes.Accounting], state: "s2" }));
    const err = await thrown(newClient("wrong-secret").createToken(cb));
    assert.equal(err.error, "invalid_client");
    // The code was not used up by the refused attempt.
    const ok = await fresh.createToken(cb);
    assert.equal((ok.getJson() as Record<string, unknown>).token_type, "bearer");
  });

  await step("nothing tried to leave 127.0.0.1", () => {
    assert.deepEqual(lookedUp, []);
  });

  const failed = steps.filter((s) => !s.ok);
  assert.equal(steps.length, 17);
  assert.deepEqual(
    failed,
    [],
    `${steps.length - failed.length} of ${steps.length} steps passed:\n${failed.map((f) => `  ✖ ${f.name}: ${f.error}`).join("\n")}`,
  );
});
