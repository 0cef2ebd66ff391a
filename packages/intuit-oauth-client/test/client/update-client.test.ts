// updateClient defaults to the client's singleUser mode: a server client (any redirect URI off
// loopback) keeps no user's tokens from handleCallback, exchangeCallback, getBearerToken, refresh
// or migrate; a single-user client keeps them, as Python's does. A call on the client's own tokens
// (refresh() or revoke() with none given) keeps the client current in either mode.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { AuthClient } from "../../src/index.js";
import { validateCallback } from "../../src/protocol.js";
import { startFakeIntuit, tokenBody, type FakeIntuit } from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.on("/token", () => ({
    body: tokenBody({ access_token: "AT-from-call", refresh_token: "RT-from-call" }),
  }));
});

const OAUTH1 = {
  consumerKey: "k",
  consumerSecret: "s",
  accessToken: "t",
  accessSecret: "u",
  scopes: ["openid"],
};
type Keep = { updateClient?: boolean };
let n = 0;
const calls: Array<[string, (c: AuthClient, o: Keep) => Promise<unknown>]> = [
  [
    "handleCallback",
    (c, o) => c.handleCallback(`/callback?code=c${++n}&state=s${n}`, { expectedState: `s${n}`, ...o }),
  ],
  [
    "exchangeCallback",
    (c, o) => c.exchangeCallback(validateCallback(`/callback?code=c${++n}&state=s${n}`, `s${n}`), o),
  ],
  ["getBearerToken", (c, o) => c.getBearerToken(`c${++n}`, o)],
  ["refresh(token)", (c, o) => c.refresh("RT-given", o)],
  ["migrate", (c, o) => c.migrate({ ...OAUTH1, ...o })],
];

for (const [name, call] of calls) {
  test(`${name}: a server client keeps nothing, a single-user client keeps the tokens; updateClient decides when given`, async () => {
    server.on("/migrate", () => ({
      body: {
        ...tokenBody({ access_token: "AT-from-call", refresh_token: "RT-from-call" }),
        realmId: "4620816365",
      },
    }));
    const serverClient = new AuthClient(server.clientOptions());
    assert.equal(serverClient.singleUser, false);
    await call(serverClient, {});
    assert.deepEqual(
      [serverClient.accessToken, serverClient.refreshToken, serverClient.token],
      [undefined, undefined, undefined],
    );
    const oneUser = new AuthClient(server.clientOptions({ singleUser: true }));
    await call(oneUser, {});
    assert.equal(oneUser.accessToken, "AT-from-call");
    const told = new AuthClient(server.clientOptions());
    await call(told, { updateClient: true });
    assert.equal(told.accessToken, "AT-from-call");
    const toldNot = new AuthClient(server.clientOptions({ singleUser: true }));
    await call(toldNot, { updateClient: false });
    assert.equal(toldNot.accessToken, undefined);
  });
}

test("a server client's own refresh token, refreshed, is replaced by the new one", async () => {
  const client = new AuthClient(server.clientOptions({ refreshToken: "RT-own", accessToken: "AT-own" }));
  await client.refresh();
  assert.deepEqual([client.refreshToken, client.accessToken], ["RT-from-call", "AT-from-call"]);
  await client.refresh(client.refreshToken);
  assert.equal(server.requestsTo("/token")[1]?.body, "grant_type=refresh_token&refresh_token=RT-from-call");
  assert.equal(client.refreshToken, "RT-from-call");
  await client.revoke();
  assert.equal(client.refreshToken, undefined, "revoke() clears the client's own tokens");
});
