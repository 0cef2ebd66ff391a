// The emulator keeps its own tables of Intuit's world (it imports nothing from the library, so it
// judges the client instead of sharing its mistakes). This test imports both sides and fails when
// they drift apart: scopes, entity names and kinds, what CDC cannot serve, and OAuth 1.0a signing.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { KNOWN_SCOPES, REALM_SCOPES } from "../src/defaults.js";
import { verifyOAuth1 } from "../src/oauth1.js";
import { cdcServes as emulatorCdcServes } from "../src/qbo-cdc.js";
import { ENTITY_NAMES as EMULATOR_ENTITIES, entitySpec } from "../src/qbo-schema.js";
import { cdcServes } from "../../intuit-oauth-client/src/api/cdc.js";
import {
  ENTITY_NAMES,
  isNameList,
  isSingleton,
  type EntityName,
} from "../../intuit-oauth-client/src/api/entities/index.js";
import { oauth1AuthorizationHeader } from "../../intuit-oauth-client/src/oauth/oauth1.js";
import { COMPANY_SCOPES, Scopes } from "../../intuit-oauth-client/src/oauth/scopes.js";
import { ConfigurationError, MemoryApiLimits, quickbooks } from "../../intuit-oauth-client/src/index.js";
import { emulatorSession, type Session } from "../../intuit-oauth-client/test/support/emulator-session.js";

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

test("scopes: the library's Scopes and the emulator's known scopes are the same wire strings", () => {
  assert.deepEqual(sorted(Object.values(Scopes)), sorted(KNOWN_SCOPES));
});

test("scopes: the ones that bind a grant to a company (and bring a realmId) agree", () => {
  assert.deepEqual(sorted(COMPANY_SCOPES), sorted(REALM_SCOPES));
});

test("entities: the same names, and the same name lists and singletons", () => {
  assert.deepEqual(sorted(ENTITY_NAMES), sorted(EMULATOR_ENTITIES));
  for (const name of ENTITY_NAMES) {
    const kind = entitySpec(name)?.kind;
    assert.equal(isNameList(name), kind === "name", `${name}: name list (emulator: ${kind})`);
    assert.equal(isSingleton(name), kind === "singleton", `${name}: singleton (emulator: ${kind})`);
  }
});

test("CDC: the library refuses exactly the entities the emulator's CDC does not serve", async () => {
  // A call that gets as far as asking for a token has passed every local check: stop it there.
  const sent = new Error("sent");
  const tokens = {
    getAccessToken: () => Promise.reject(sent),
    refresh: async () => undefined,
    apiLimits: new MemoryApiLimits(),
  };
  const qb = quickbooks(tokens, "1", { baseUrl: "http://127.0.0.1:9" });
  for (const name of ENTITY_NAMES) {
    assert.equal(cdcServes(name), emulatorCdcServes(name), name);
    // The library's own refusal path, not just its table: a refused entity never reaches send.
    const outcome = await qb.cdc([name as EntityName], new Date()).catch((e: unknown) => e);
    assert.equal(
      outcome instanceof ConfigurationError,
      !emulatorCdcServes(name),
      `${name}: ${String(outcome)}`,
    );
    if (!(outcome instanceof ConfigurationError)) assert.equal(outcome, sent, name);
  }
  for (const name of ["Nope", "", "customers"]) assert.equal(cdcServes(name), false, name);
});

let session: Session;
before(async () => {
  session = await emulatorSession();
});
after(() => session.close());

test("CDC: the running emulator answers 200 for what the library sends and a Fault for what it refuses", async () => {
  const token = await session.connect();
  const base = session.authClient.endpoints.apiBaseUrl;
  assert.ok(base && token.realmId);
  const since = new Date(session.emu.clock.now() - 60_000).toISOString();
  for (const name of ENTITY_NAMES) {
    const url: string = `${base}/v3/company/${token.realmId}/cdc?entities=${name}&changedSince=${encodeURIComponent(since)}`;
    const res: Response = await fetch(url, {
      headers: { authorization: `Bearer ${token.accessToken}`, accept: "application/json" },
    });
    await res.arrayBuffer();
    assert.equal(res.status === 200, cdcServes(name), `${name}: emulator answered ${res.status}`);
  }
});

/** The RFC 5849 §3.4.1.2 base string URI of a URL, as a server rebuilds it from the request. */
function baseUri(url: string): string {
  const u = new URL(url);
  const port =
    u.port && !((u.protocol === "http:" && u.port === "80") || (u.protocol === "https:" && u.port === "443"));
  return `${u.protocol}//${u.hostname.toLowerCase()}${port ? `:${u.port}` : ""}${u.pathname}`;
}

const OAUTH1_CASES: Array<{ what: string; method: string; url: string; secrets: [string, string] }> = [
  {
    what: "Intuit's migration endpoint",
    method: "POST",
    url: "https://developer.api.intuit.com/v2/oauth2/tokens/migrate",
    secrets: ["consumer-secret", "access-secret"],
  },
  {
    what: "the emulator's own endpoint, on a port",
    method: "POST",
    url: "http://127.0.0.1:4010/v2/oauth2/tokens/migrate",
    secrets: ["c", "t"],
  },
  {
    what: "a query with reserved, repeated, empty and non-ASCII values",
    method: "GET",
    url: "https://Example.COM:443/a%20path/x?b=2&a=1&a=0&empty=&sp=a%20b&star=*&bang=!&paren=(x)&u=%C3%A9t%C3%A9&plus=1%2B1",
    secrets: ["s&cret=%", "tök€n secret"],
  },
  {
    what: "a lower-case method and an empty token secret",
    method: "post",
    url: "http://localhost/x",
    secrets: ["k", ""],
  },
  {
    what: "the default http port written out",
    method: "POST",
    url: "http://Host.example:80/p?q=1",
    secrets: ["a b", "c+d"],
  },
];

for (const c of OAUTH1_CASES)
  test(`OAuth 1.0a: a request the library signs verifies in the emulator (${c.what})`, () => {
    const [consumerSecret, tokenSecret] = c.secrets;
    const header = oauth1AuthorizationHeader({
      method: c.method,
      url: c.url,
      consumerKey: "consumer key/1",
      consumerSecret,
      token: "token=1",
      tokenSecret,
    });
    const lookup = (key: string, token: string) =>
      key === "consumer key/1" && token === "token=1" ? { consumerSecret, tokenSecret } : undefined;
    const query = new URL(c.url).searchParams;
    const verified = verifyOAuth1(header, c.method, baseUri(c.url), query, lookup);
    assert.ok(verified, `${c.what}: ${header}`);
    assert.equal(verified.get("oauth_consumer_key"), "consumer key/1");
    // And the emulator still refuses what it should: another secret, another URL, another query.
    assert.equal(
      verifyOAuth1(header, c.method, baseUri(c.url), query, () => ({
        consumerSecret: `${consumerSecret}x`,
        tokenSecret,
      })),
      undefined,
    );
    assert.equal(verifyOAuth1(header, c.method, `${baseUri(c.url)}x`, query, lookup), undefined);
    assert.equal(
      verifyOAuth1(header, c.method, baseUri(c.url), new URLSearchParams("extra=1"), lookup),
      undefined,
    );
  });
