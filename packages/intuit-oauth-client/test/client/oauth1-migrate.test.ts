// OAuth 1.0a signing against RFC 5849's published examples, and the legacy migrate call.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, Scopes, type FetchLike } from "../../src/index.js";
import { INTUIT_ENVIRONMENTS } from "../../src/protocol.js";
import {
  hmacSha1Signature,
  oauth1AuthorizationHeader,
  percentEncode,
  signatureBaseString,
} from "../../src/oauth/oauth1.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  REDIRECT_URI,
  TRANSPORTS,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

describe("RFC 5849 signing", () => {
  test("§3.4.1.1: the signature base string of the RFC's example request", () => {
    // POST /request?b5=%3D%253D&a3=a&c%40=&a2=r%20b with body c2&a3=2+q
    const base = signatureBaseString("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", [
      ["oauth_consumer_key", "9djdj82h48djs9d2"],
      ["oauth_token", "kkk9d7dh3k39sjv7"],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", "137131201"],
      ["oauth_nonce", "7d8f3e4a"],
      ["c2", ""],
      ["a3", "2 q"],
    ]);
    assert.equal(
      base,
      "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q" +
        "%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_" +
        "key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m" +
        "ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk" +
        "9d7dh3k39sjv7",
    );
  });

  const photos = {
    method: "GET",
    url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
    consumerKey: "dpf43f3p2l4k3l03",
    consumerSecret: "kd94hf93k423kf44",
    token: "nnch734d00sl2jdk",
    tokenSecret: "pfkkdhi9sl3r4s00",
    nonce: "kllo9940pd9333jh",
    timestamp: "1191242096",
  };

  test("§1.2: the photos example's base string and signature tR3+Ty81lMeYAr/Fid0kMTYa/WM=", () => {
    const base = signatureBaseString("GET", photos.url, [
      ["oauth_consumer_key", photos.consumerKey],
      ["oauth_nonce", photos.nonce],
      ["oauth_signature_method", "HMAC-SHA1"],
      ["oauth_timestamp", photos.timestamp],
      ["oauth_token", photos.token],
      ["oauth_version", "1.0"],
    ]);
    assert.equal(
      base,
      "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03" +
        "%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096" +
        "%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal",
    );
    assert.equal(
      hmacSha1Signature(base, photos.consumerSecret, photos.tokenSecret),
      "tR3+Ty81lMeYAr/Fid0kMTYa/WM=",
    );
  });

  test("§1.2: the Authorization header of the photos example", () => {
    assert.equal(
      oauth1AuthorizationHeader(photos),
      'OAuth oauth_consumer_key="dpf43f3p2l4k3l03", oauth_nonce="kllo9940pd9333jh", ' +
        'oauth_signature="tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="1191242096", oauth_token="nnch734d00sl2jdk", oauth_version="1.0"',
    );
  });

  test("§3.6 percent-encoding keeps only unreserved characters", () => {
    assert.equal(percentEncode("AZaz09-._~"), "AZaz09-._~");
    assert.equal(percentEncode("!*'() +/=&%"), "%21%2A%27%28%29%20%2B%2F%3D%26%25");
    assert.equal(percentEncode("é"), "%C3%A9");
  });

  test("§3.4.1.2 base URI: lower-case scheme and host, default port dropped, other port kept", () => {
    assert.match(
      signatureBaseString("get", "HTTP://EXAMPLE.COM:80/r%20x", []),
      /^GET&http%3A%2F%2Fexample\.com%2Fr%2520x&$/,
    );
    assert.match(
      signatureBaseString("GET", "https://example.com:443/r", []),
      /^GET&https%3A%2F%2Fexample\.com%2Fr&$/,
    );
    assert.match(
      signatureBaseString("GET", "https://example.com:8443/r", []),
      /^GET&https%3A%2F%2Fexample\.com%3A8443%2Fr&$/,
    );
  });
});

describe("migrate", () => {
  let server: FakeIntuit;
  before(async () => {
    server = await startFakeIntuit();
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const creds = {
    consumerKey: "qyprdConsumerKey",
    consumerSecret: "consumer+secret/=",
    accessToken: "qyprdAccessToken",
    accessSecret: "access&secret",
  };

  for (const { name, options } of TRANSPORTS) {
    test(`over ${name}: posts the documented JSON body with a valid OAuth 1.0a header and returns a token set with realmId`, async () => {
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      const before = Math.floor(Date.now() / 1000);
      const token = await client.migrate({ ...creds, scopes: [Scopes.Accounting, Scopes.OpenId] });
      assert.equal(token.realmId, "4620816365");
      assert.equal(token.accessToken, "eyJ-access-token-value");
      assert.equal(client.realmId, "4620816365");
      assert.equal(client.refreshToken, "RT1-39-H3-refresh-token-value");

      const req = server.requestsTo("/migrate")[0]!;
      assert.equal(req.method, "POST");
      assert.equal(req.headers["content-type"], "application/json");
      assert.equal(req.headers["accept"], "application/json");
      assert.equal(
        req.body,
        `{"scope":"com.intuit.quickbooks.accounting openid","redirect_uri":"${REDIRECT_URI}","client_id":"${CLIENT_ID}","client_secret":"${CLIENT_SECRET}"}`,
      );
      assert.deepEqual(Object.keys(JSON.parse(req.body)), [
        "scope",
        "redirect_uri",
        "client_id",
        "client_secret",
      ]);

      const header = String(req.headers["authorization"]);
      assert.match(header, /^OAuth /);
      const params = Object.fromEntries(
        [...header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, decodeURIComponent(m[2]!)]),
      );
      assert.deepEqual(Object.keys(params).sort(), [
        "oauth_consumer_key",
        "oauth_nonce",
        "oauth_signature",
        "oauth_signature_method",
        "oauth_timestamp",
        "oauth_token",
        "oauth_version",
      ]);
      assert.equal(params["oauth_consumer_key"], creds.consumerKey);
      assert.equal(params["oauth_token"], creds.accessToken);
      assert.equal(params["oauth_signature_method"], "HMAC-SHA1");
      assert.equal(params["oauth_version"], "1.0");
      assert.ok(Math.abs(Number(params["oauth_timestamp"]) - before) <= 5);
      assert.match(params["oauth_nonce"]!, /^[0-9a-f]{32}$/);
      const { oauth_signature: signature, ...signed } = params;
      const base = signatureBaseString(
        "POST",
        `${server.url}/migrate`,
        Object.entries(signed) as Array<[string, string]>,
      );
      assert.equal(signature, hmacSha1Signature(base, creds.consumerSecret, creds.accessSecret));
    });
  }

  test("a redirectUri option replaces the client's in the body", async () => {
    const client = new AuthClient(server.clientOptions());
    await client.migrate({
      ...creds,
      scopes: ["com.intuit.quickbooks.accounting"],
      redirectUri: "https://developer.intuit.com/v2/OAuth2Playground/RedirectUrl",
    });
    assert.equal(
      JSON.parse(server.requestsTo("/migrate")[0]!.body).redirect_uri,
      "https://developer.intuit.com/v2/OAuth2Playground/RedirectUrl",
    );
  });

  test("the migrate call is not retried (it is not idempotent)", async () => {
    server.on("/migrate", () => ({ status: 503, body: "" }));
    const client = new AuthClient(server.clientOptions({ retry: { minDelayMs: 1 } }));
    await assert.rejects(client.migrate({ ...creds, scopes: ["openid"] }));
    assert.equal(server.requestsTo("/migrate").length, 1);
    server.on("/migrate", () => ({ body: { ...tokenBody(), realmId: "4620816365" } }));
  });

  const envs: Array<[string, string]> = [
    ["production", "https://developer.api.intuit.com/v2/oauth2/tokens/migrate"],
    ["prod", "https://developer.api.intuit.com/v2/oauth2/tokens/migrate"],
    ["PROD", "https://developer.api.intuit.com/v2/oauth2/tokens/migrate"],
    ["sandbox", "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate"],
    ["sand", "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate"],
  ];
  for (const [env, url] of envs) {
    test(`"${env}" migrates at ${url}`, async () => {
      const calls: string[] = [];
      const stub: FetchLike = async (input) => {
        calls.push(input);
        return new Response(JSON.stringify({ ...tokenBody(), realmId: "1" }), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      };
      const client = new AuthClient({
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT_URI,
        environment: env,
        fetch: stub,
      });
      assert.equal(client.endpoints.migrationEndpoint, url);
      await client.migrate({ ...creds, scopes: ["openid"] });
      assert.deepEqual(calls, [url]);
    });
  }

  test("INTUIT_ENVIRONMENTS has the two migration endpoints", () => {
    assert.equal(
      INTUIT_ENVIRONMENTS.production.migrationEndpoint,
      "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
    );
    assert.equal(
      INTUIT_ENVIRONMENTS.sandbox.migrationEndpoint,
      "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate",
    );
  });
});
