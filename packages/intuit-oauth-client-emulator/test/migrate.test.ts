import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { DEFAULT_OAUTH1, startEmulator, type Emulator } from "../src/index.js";
import { raw, REALM_1, REDIRECT } from "./helpers.js";

let emu: Emulator;
before(async () => {
  emu = await startEmulator({ port: 0 });
});
after(() => emu.close());

// An independent RFC 5849 signer, written from the RFC rather than from the emulator's code.
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!*'()]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}
function oauthHeader(url: string, creds: typeof DEFAULT_OAUTH1, tamper = false): string {
  const params: Record<string, string> = {
    oauth_consumer_key: creds.consumerKey,
    oauth_nonce: randomBytes(8).toString("hex"),
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: String(Math.floor(Date.now() / 1000)),
    oauth_token: creds.accessToken,
    oauth_version: "1.0",
  };
  const normalized = Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k] ?? "")}`)
    .join("&");
  const base = `POST&${enc(url)}&${enc(normalized)}`;
  const key = `${enc(creds.consumerSecret)}&${enc(creds.accessSecret)}`;
  let signature = createHmac("sha1", key).update(base).digest("base64");
  if (tamper) signature = createHmac("sha1", "wrong&key").update(base).digest("base64");
  const all = { ...params, oauth_signature: signature };
  return (
    "OAuth " +
    Object.entries(all)
      .map(([k, v]) => `${k}="${enc(v)}"`)
      .join(", ")
  );
}

const BODY = JSON.stringify({
  scope: "com.intuit.quickbooks.accounting openid",
  redirect_uri: REDIRECT,
  client_id: "emulator-client-id",
  client_secret: "emulator-client-secret",
});

function migrate(authorization: string, body = BODY) {
  return raw(`${emu.url}/v2/oauth2/tokens/migrate`, {
    method: "POST",
    headers: { authorization, "content-type": "application/json", accept: "application/json" },
    body,
  });
}

test("a correct OAuth1 signature → 200 token JSON plus realmId", async () => {
  const res = await migrate(oauthHeader(`${emu.url}/v2/oauth2/tokens/migrate`, DEFAULT_OAUTH1));
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers["cache-control"], "no-cache, no-store");
  const body = JSON.parse(res.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), [
    "id_token",
    "expires_in",
    "token_type",
    "x_refresh_token_expires_in",
    "refresh_token",
    "access_token",
    "realmId",
  ]);
  assert.equal(body.realmId, REALM_1);
  assert.equal(body.token_type, "bearer");
  assert.equal(emu.isAccessTokenValid(String(body.access_token)), true);
  const companyInfo = await fetch(`${emu.url}/v3/company/${REALM_1}/companyinfo/${REALM_1}`, {
    headers: { authorization: `Bearer ${String(body.access_token)}` },
  });
  assert.equal(companyInfo.status, 200);
});

test("a bad signature, wrong token or wrong signature method → 401", async () => {
  const url = `${emu.url}/v2/oauth2/tokens/migrate`;
  const cases = [
    oauthHeader(url, DEFAULT_OAUTH1, true),
    oauthHeader(url, { ...DEFAULT_OAUTH1, accessToken: "other-token" }),
    oauthHeader(url, { ...DEFAULT_OAUTH1, consumerSecret: "wrong" }),
    oauthHeader(url.replace("127.0.0.1", "localhost"), DEFAULT_OAUTH1),
    oauthHeader(url, DEFAULT_OAUTH1).replace("HMAC-SHA1", "PLAINTEXT"),
    "Bearer abc",
  ];
  for (const header of cases) {
    const res = await migrate(header);
    assert.equal(res.status, 401, header);
    assert.deepEqual(JSON.parse(res.text), {
      error: "invalid_client",
      error_description: "OAuth 1.0a signature verification failed",
    });
  }
});

test("good signature but wrong OAuth2 client → 401; missing fields → 400", async () => {
  const url = `${emu.url}/v2/oauth2/tokens/migrate`;
  const wrongClient = JSON.stringify({ ...JSON.parse(BODY), client_secret: "nope" });
  const res = await migrate(oauthHeader(url, DEFAULT_OAUTH1), wrongClient);
  assert.equal(res.status, 401);
  assert.equal(res.text, '{"error":"invalid_client"}');
  const missing = await migrate(
    oauthHeader(url, DEFAULT_OAUTH1),
    JSON.stringify({ client_id: "emulator-client-id" }),
  );
  assert.equal(missing.status, 400);
  assert.equal(missing.text, '{"error":"invalid_request"}');
});
