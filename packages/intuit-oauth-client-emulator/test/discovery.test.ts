import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../src/index.js";
import { raw, TID } from "./helpers.js";

const INTUIT_ISSUER = "https://oauth.platform.intuit.com/op/v1";
let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

function expectedDocument(url: string, issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${url}/connect/oauth2`,
    token_endpoint: `${url}/oauth2/v1/tokens/bearer`,
    userinfo_endpoint: `${url}/v1/openid_connect/userinfo`,
    revocation_endpoint: `${url}/v2/oauth2/tokens/revoke`,
    jwks_uri: `${url}/op/v1/jwks`,
    response_types_supported: ["code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "profile", "address", "phone"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    claims_supported: ["aud", "exp", "iat", "iss", "realmid", "sub"],
    migration_endpoint: `${url}/v2/oauth2/tokens/migrate`,
    quickbooks_api_base: url,
  };
}

for (const path of [
  "/.well-known/openid_configuration",
  "/.well-known/openid_sandbox_configuration",
  "/.well-known/openid-configuration",
  "/.well-known/openid_configuration/",
]) {
  test(`discovery at ${path}`, async () => {
    const res = await raw(`${emu.url}${path}`, { headers: { accept: "application/json" } });
    assert.equal(res.status, 200);
    assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
    assert.match(String(res.headers["intuit_tid"]), TID);
    assert.equal(res.headers["date"], new Date(Date.parse(String(res.headers["date"]))).toUTCString());
    // Intuit's own issuer by default (sandbox and production alike), endpoints on the emulator.
    assert.deepEqual(JSON.parse(res.text), expectedDocument(emu.url, INTUIT_ISSUER));
  });
}

test("handle exposes url, port, discoveryUrl, issuer, default client and companies", () => {
  assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
  assert.equal(emu.discoveryUrl, `${emu.url}/.well-known/openid-configuration`);
  assert.equal(emu.issuer, INTUIT_ISSUER);
  assert.deepEqual(emu.defaultClient, {
    clientId: "emulator-client-id",
    clientSecret: "emulator-client-secret",
    redirectUri: "http://127.0.0.1:8000/callback",
    redirectUris: ["http://127.0.0.1:8000/callback", "http://localhost:8000/callback"],
    appName: "Emulator Sample App",
  });
  assert.deepEqual(
    emu.companies.map((c) => [c.realmId, c.companyName]),
    [
      ["9341453050198162", "Sandbox Company_US_1"],
      ["9341453050198175", "Sandbox Company_US_2"],
    ],
  );
});

test("issuer is configurable (the emulator's own URL, for example), and checked", async () => {
  const other = await startEmulator({ port: 0, issuer: "http://127.0.0.1:1/custom" });
  try {
    const doc = (await (await fetch(other.discoveryUrl)).json()) as Record<string, unknown>;
    assert.deepEqual(doc, expectedDocument(other.url, "http://127.0.0.1:1/custom"));
    assert.equal(other.issuer, "http://127.0.0.1:1/custom");
  } finally {
    await other.close();
  }
  for (const issuer of ["", "not a url", "ftp://x/op"])
    await assert.rejects(
      startEmulator({ port: 0, issuer }),
      /issuer must be an absolute http\(s\) URL/,
      issuer,
    );
});

test("JWKS serves the current key, then current + previous after rotation", async () => {
  const first = (await (await fetch(`${emu.url}/op/v1/jwks`)).json()) as {
    keys: Array<Record<string, string>>;
  };
  assert.equal(first.keys.length, 1);
  const [key] = first.keys;
  assert.deepEqual(Object.keys(key ?? {}).sort(), ["alg", "e", "kid", "kty", "n", "use"]);
  assert.equal(key?.kty, "RSA");
  assert.equal(key?.e, "AQAB");
  assert.equal(key?.use, "sig");
  assert.equal(key?.alg, "RS256");
  assert.equal(Buffer.from(key?.n ?? "", "base64url").length, 256);
  emu.rotateSigningKeys();
  const second = (await (await fetch(`${emu.url}/op/v1/jwks`)).json()) as {
    keys: Array<Record<string, string>>;
  };
  assert.equal(second.keys.length, 2);
  assert.notEqual(second.keys[0]?.kid, key?.kid);
  assert.deepEqual(second.keys[1], key);
});

test("unknown path is 404 with intuit_tid; wrong method on a known path is 405", async () => {
  const res = await raw(`${emu.url}/nope`);
  assert.equal(res.status, 404);
  assert.deepEqual(JSON.parse(res.text), { error: "not_found" });
  assert.match(String(res.headers["intuit_tid"]), TID);
  const wrong = await raw(`${emu.url}/oauth2/v1/tokens/bearer`);
  assert.equal(wrong.status, 405);
});

test("admin API is disabled by default", async () => {
  const res = await raw(`${emu.url}/__admin/counters`);
  assert.equal(res.status, 404);
});

test("the Date header follows the emulator clock", async () => {
  const other = await startEmulator({ port: 0 });
  try {
    other.advanceClock(10 * 24 * 60 * 60 * 1000);
    const res = await raw(other.discoveryUrl);
    const date = Date.parse(String(res.headers["date"]));
    assert.ok(Math.abs(date - other.clock.now()) < 2000, `${date} vs ${other.clock.now()}`);
    assert.ok(date - Date.now() > 9 * 24 * 60 * 60 * 1000);
  } finally {
    await other.close();
  }
});
