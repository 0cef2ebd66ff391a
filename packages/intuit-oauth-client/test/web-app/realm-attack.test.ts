// Security review finding 1, end to end through the example app: an attacker who connects their
// own company and edits the callback's realmId to another tenant's must not overwrite that
// tenant's stored grant, nor get that company into their own session. Plain HTTP with a cookie
// jar (the browser test covers the pages themselves).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { createApp } from "../../../../examples/web-app/app.js";
import { startEmulator, type Emulator } from "../../../intuit-oauth-client-emulator/src/index.js";
import { AuthClient, MemoryTokenStore, Scopes, TokenManager, type ScopeLike } from "../../src/index.js";
import { Browser, consent } from "./http-browser.js";

for (const [name, scopes] of [
  ["with the openid scope (the ID token's realmid decides)", undefined],
  ["without openid (a CompanyInfo call with the new token decides)", [Scopes.Accounting]],
] as Array<[string, ScopeLike[] | undefined]>) {
  describe(`the realmId swap attack fails ${name}`, () => {
    let emu: Emulator;
    let server: Server;
    let appUrl: string;
    let store: MemoryTokenStore;

    before(async () => {
      server = createServer();
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      emu = await startEmulator({ port: 0, redirectUris: [`${appUrl}/callback`] });
      const authClient = await AuthClient.create({
        clientId: emu.defaultClient.clientId,
        clientSecret: emu.defaultClient.clientSecret,
        redirectUri: `${appUrl}/callback`,
        environment: emu.discoveryUrl,
        singleUser: false,
      });
      store = new MemoryTokenStore();
      const tokens = new TokenManager({ authClient, store });
      server.on(
        "request",
        createApp({ authClient, tokens, cookieSecret: randomBytes(32), ...(scopes ? { scopes } : {}) }),
      );
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await emu.close();
    });

    test("the victim's grant is untouched and the attacker's session has no company", async () => {
      const [attackerCompany, victimCompany] = [emu.companies[0]!.realmId, emu.companies[1]!.realmId];
      // The victim connects their company.
      const victim = new Browser();
      const victimCallback = await consent(victim, appUrl, victimCompany);
      const victimDone = await victim.get(victimCallback);
      assert.equal(victimDone.status, 303, await victimDone.text());
      assert.ok(await store.get(victimCompany), "the victim's grant is stored");
      const before = JSON.stringify(await store.get(victimCompany));

      // The attacker connects their own company, then edits realmId in their own redirect.
      const attacker = new Browser();
      const callback = new URL(await consent(attacker, appUrl, attackerCompany));
      assert.equal(callback.searchParams.get("realmId"), attackerCompany);
      callback.searchParams.set("realmId", victimCompany);
      const res = await attacker.get(callback.href);
      assert.equal(res.status, 400, await res.text());
      assert.equal(JSON.stringify(await store.get(victimCompany)), before, "the victim's grant changed");
      assert.equal(attacker.cookies.has("qbo_session"), false, "the attacker's session names a company");
      // Nothing was stored under the attacker's own company either from this callback.
      assert.equal(await store.get(attackerCompany), undefined);
      // The attacker's home page is the Connect page, not the victim's dashboard.
      const home = await (await attacker.get(`${appUrl}/`)).text();
      assert.doesNotMatch(home, new RegExp(emu.companies[1]!.companyName));
    });
  });
}
