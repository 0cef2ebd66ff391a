// Construction, built-in environments, discovery (AuthClient.create) and the plain-http rule.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, ConfigurationError, DiscoveryError } from "../../src/index.js";
import { DiscoveryCache, INTUIT_ENVIRONMENTS } from "../../src/protocol.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  REDIRECT_URI,
  rejection,
  startFakeIntuit,
  type FakeIntuit,
} from "../support/fake-intuit.js";

const base = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };

const INTUIT = {
  issuer: "https://oauth.platform.intuit.com/op/v1",
  authorizationEndpoint: "https://appcenter.intuit.com/connect/oauth2",
  tokenEndpoint: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
  revocationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
  jwksUri: "https://oauth.platform.intuit.com/op/v1/jwks",
};
const SANDBOX = {
  ...INTUIT,
  userinfoEndpoint: "https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo",
  migrationEndpoint: "https://developer-sandbox.api.intuit.com/v2/oauth2/tokens/migrate",
  apiBaseUrl: "https://sandbox-quickbooks.api.intuit.com",
  paymentsBaseUrl: "https://sandbox.api.intuit.com/quickbooks/v4",
  graphqlUrl: "https://qb-sandbox.api.intuit.com/graphql",
};
const PRODUCTION = {
  ...INTUIT,
  userinfoEndpoint: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
  migrationEndpoint: "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
  apiBaseUrl: "https://quickbooks.api.intuit.com",
  paymentsBaseUrl: "https://api.intuit.com/quickbooks/v4",
  graphqlUrl: "https://qb.api.intuit.com/graphql",
};

describe("built-in environments", () => {
  const cases: Array<[string, "sandbox" | "production", typeof SANDBOX]> = [
    ["sandbox", "sandbox", SANDBOX],
    ["sand", "sandbox", SANDBOX],
    ["SANDBOX", "sandbox", SANDBOX],
    ["Sand", "sandbox", SANDBOX],
    ["production", "production", PRODUCTION],
    ["prod", "production", PRODUCTION],
    ["Production", "production", PRODUCTION],
    ["PROD", "production", PRODUCTION],
  ];
  for (const [input, name, endpoints] of cases) {
    test(`"${input}" selects ${name} with Intuit's published endpoints`, () => {
      const client = new AuthClient({ ...base, environment: input });
      assert.equal(client.environment, name);
      assert.deepEqual({ ...client.endpoints }, endpoints);
      assert.deepEqual({ ...INTUIT_ENVIRONMENTS[name] }, endpoints);
    });
  }

  test("sandbox and production differ in userinfo", () => {
    assert.notEqual(
      INTUIT_ENVIRONMENTS.sandbox.userinfoEndpoint,
      INTUIT_ENVIRONMENTS.production.userinfoEndpoint,
    );
  });

  test("a built-in client constructs with no server at all", () => {
    const client = new AuthClient({ ...base, environment: "sandbox" });
    assert.equal(client.clientId, CLIENT_ID);
    assert.equal(client.redirectUri, REDIRECT_URI);
    assert.equal(client.accessToken, undefined);
  });

  test("an unknown name or a discovery URL in the constructor points to AuthClient.create", () => {
    for (const env of ["https://example.com/.well-known/openid-configuration", "staging"]) {
      const err = (() => {
        try {
          new AuthClient({ ...base, environment: env });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      assert.ok(err instanceof ConfigurationError);
      assert.equal(err.code, "ERR_CONFIGURATION");
      assert.match(err.message, /AuthClient\.create/);
    }
  });

  test("missing options are configuration errors", () => {
    assert.throws(
      () => new AuthClient({ ...base, clientId: "", environment: "sandbox" }),
      ConfigurationError,
    );
    assert.throws(
      () => new AuthClient({ ...base, clientSecret: "", environment: "sandbox" }),
      ConfigurationError,
    );
    assert.throws(
      () => new AuthClient({ ...base, redirectUri: "", environment: "sandbox" }),
      ConfigurationError,
    );
    // @ts-expect-error environment is required
    assert.throws(() => new AuthClient({ ...base }), ConfigurationError);
  });
});

describe("plain http is refused except on loopback", () => {
  const endpointsAt = (origin: string) => ({
    issuer: `${origin}/op/v1`,
    authorizationEndpoint: `${origin}/authorize`,
    tokenEndpoint: `${origin}/token`,
    revocationEndpoint: `${origin}/revoke`,
    userinfoEndpoint: `${origin}/userinfo`,
    jwksUri: `${origin}/jwks`,
  });
  const allowed = [
    "http://127.0.0.1:4010",
    "http://127.5.6.7",
    "http://localhost:8080",
    "http://[::1]:4010",
    "https://auth.example.com",
  ];
  const refused = [
    "http://example.com",
    "http://10.0.0.1",
    "http://128.0.0.1",
    "http://127.0.0.1.example.com",
    "ftp://127.0.0.1",
  ];
  for (const origin of allowed) {
    test(`allows ${origin}`, () => {
      const client = new AuthClient({ ...base, environment: endpointsAt(origin) });
      assert.equal(client.environment, "custom");
      assert.equal(client.endpoints.tokenEndpoint, `${origin}/token`);
    });
  }
  for (const origin of refused) {
    test(`refuses ${origin}`, () => {
      assert.throws(() => new AuthClient({ ...base, environment: endpointsAt(origin) }), ConfigurationError);
    });
  }
  test("refuses a plain-http redirect URI on a public host", () => {
    assert.throws(
      () => new AuthClient({ ...base, redirectUri: "http://app.example.com/cb", environment: "sandbox" }),
      ConfigurationError,
    );
    const local = new AuthClient({
      ...base,
      redirectUri: "http://localhost:8000/callback",
      environment: "sandbox",
    });
    assert.equal(local.redirectUri, "http://localhost:8000/callback");
  });
  test("a discovery URL over plain http on a public host is a DiscoveryError, with no request", async () => {
    const err = await rejection(
      AuthClient.create({ ...base, environment: "http://example.com/.well-known/openid-configuration" }),
    );
    assert.ok(err instanceof DiscoveryError);
    assert.equal(err.code, "ERR_DISCOVERY");
  });
});

describe("discovery with AuthClient.create", () => {
  let server: FakeIntuit;
  before(async () => {
    server = await startFakeIntuit();
  });
  after(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
    server.on("/.well-known/openid-configuration", () => ({ body: server.discoveryDocument() }));
  });

  test("constructing with an endpoint object makes no request", () => {
    const client = new AuthClient(server.clientOptions());
    client.getAuthorizationUrl(["openid"]);
    assert.equal(server.requests.length, 0);
  });

  test("create fetches the document and uses its endpoints", async () => {
    const discoveryUrl = `${server.url}/.well-known/openid-configuration`;
    const client = await AuthClient.create({ ...base, environment: discoveryUrl });
    assert.equal(client.environment, "custom");
    assert.deepEqual(
      { ...client.endpoints },
      { ...server.endpoints(), apiBaseUrl: undefined, paymentsBaseUrl: undefined, graphqlUrl: undefined },
    );
    assert.equal(server.requests.length, 1);
    const req = server.requests[0]!;
    assert.equal(req.method, "GET");
    assert.equal(req.path, "/.well-known/openid-configuration");
    assert.equal(req.headers["accept"], "application/json");
    assert.match(String(req.headers["user-agent"]), /^intuit-oauth-client\/0\.1\.0 /);
  });

  test("without a discoveryCache, each create fetches the document: nothing is kept process-wide", async () => {
    const discoveryUrl = `${server.url}/.well-known/openid-configuration`;
    await AuthClient.create({ ...base, environment: discoveryUrl });
    await AuthClient.create({ ...base, environment: discoveryUrl });
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 2);
  });

  test("a discoveryCache caches per URL: sequential and concurrent creates share one fetch", async () => {
    const discoveryUrl = `${server.url}/.well-known/openid-configuration`;
    const discoveryCache = new DiscoveryCache();
    const options = { ...base, environment: discoveryUrl, discoveryCache };
    const clients = await Promise.all(Array.from({ length: 10 }, () => AuthClient.create(options)));
    await AuthClient.create(options);
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 1);
    assert.equal(clients[9]!.endpoints.tokenEndpoint, `${server.url}/token`);
    // A different URL is a different cache entry.
    await AuthClient.create({ ...options, environment: `${discoveryUrl}?v=2` });
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 2);
    // Another cache is another owner: it fetches for itself.
    await AuthClient.create({ ...options, discoveryCache: new DiscoveryCache() });
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 3);
  });

  test("DiscoveryCache.shared is one cache for the process, used only when passed", async () => {
    const discoveryUrl = `${server.url}/.well-known/openid-configuration?shared=${Math.random()}`;
    assert.equal(DiscoveryCache.shared, DiscoveryCache.shared);
    await AuthClient.create({ ...base, environment: discoveryUrl, discoveryCache: DiscoveryCache.shared });
    await AuthClient.create({ ...base, environment: discoveryUrl, discoveryCache: DiscoveryCache.shared });
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 1);
    await AuthClient.create({ ...base, environment: discoveryUrl });
    assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 2);
  });

  test("create with a built-in name makes no request", async () => {
    const client = await AuthClient.create({ ...base, environment: "prod" });
    assert.equal(client.environment, "production");
    assert.equal(server.requests.length, 0);
  });

  const bad: Array<[string, () => { status?: number; body?: unknown }]> = [
    ["a non-JSON body", () => ({ body: "<html>not json</html>" })],
    ["a JSON array", () => ({ body: [] })],
    [
      "a missing token_endpoint",
      () => ({ body: { ...server.discoveryDocument(), token_endpoint: undefined } }),
    ],
    ["a missing jwks_uri", () => ({ body: { ...server.discoveryDocument(), jwks_uri: undefined } })],
    ["a missing issuer", () => ({ body: { ...server.discoveryDocument(), issuer: undefined } })],
    [
      "a plain-http endpoint on a public host",
      () => ({ body: { ...server.discoveryDocument(), token_endpoint: "http://evil.example.com/token" } }),
    ],
    [
      "a relative endpoint",
      () => ({ body: { ...server.discoveryDocument(), userinfo_endpoint: "/userinfo" } }),
    ],
    ["an HTTP 404", () => ({ status: 404, body: "" })],
  ];
  for (const [name, reply] of bad) {
    test(`an invalid document (${name}) is a DiscoveryError and is not cached`, async () => {
      server.on("/.well-known/openid-configuration", reply);
      const discoveryUrl = `${server.url}/.well-known/openid-configuration`;
      const options = { ...base, environment: discoveryUrl, discoveryCache: new DiscoveryCache() };
      const err = await rejection(AuthClient.create(options));
      assert.ok(err instanceof DiscoveryError, String(err));
      assert.equal((err as DiscoveryError).code, "ERR_DISCOVERY");
      server.on("/.well-known/openid-configuration", () => ({ body: server.discoveryDocument() }));
      const client = await AuthClient.create(options);
      assert.equal(client.endpoints.issuer, server.issuer);
      assert.equal(server.requestsTo("/.well-known/openid-configuration").length, 2);
    });
  }
});
