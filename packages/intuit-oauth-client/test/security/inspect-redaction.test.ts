// Issue 16 item 11: console.log of a token set, of tokens.list() and of what TokenManager returns
// never prints a token; JSON.stringify stays complete, because stores need it.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, test } from "node:test";
import { MemoryTokenStore, TokenManager, type TokenSet } from "../../src/index.js";
import { emulatorSession, type Session } from "../support/emulator-session.js";

let s: Session;
before(async () => {
  s = await emulatorSession({ rotateAfter: 0 });
});
after(() => s.close());

function assertHidden(value: unknown, token: TokenSet, where: string): void {
  const shown = inspect(value, { depth: 10 });
  for (const secret of [token.accessToken, token.refreshToken, token.idToken ?? "no-id-token"])
    assert.ok(!shown.includes(secret), `${where} shows a token: ${shown.slice(0, 300)}`);
  assert.match(shown, /\[redacted\]/, where);
}

test("token sets from the client and the manager print redacted; JSON keeps every field", async () => {
  const token = await s.connect();
  assertHidden(token, token, "handleCallback's token set");
  assert.equal(JSON.parse(JSON.stringify(token)).refreshToken, token.refreshToken);

  const tokens = new TokenManager({ authClient: s.authClient, store: new MemoryTokenStore() });
  await tokens.save(token.realmId!, token);
  assertHidden(await tokens.list(), token, "tokens.list()");
  assertHidden(await tokens.get(token.realmId!), token, "tokens.get()");
  assertHidden(await tokens.getToken(token.realmId!), token, "tokens.getToken()");
  const refreshed = await tokens.refresh(token.realmId!);
  assertHidden(refreshed, refreshed, "tokens.refresh()");
  assert.equal(JSON.parse(JSON.stringify(refreshed)).accessToken, refreshed.accessToken);
  assertHidden(s.authClient, token, "the AuthClient");
});
