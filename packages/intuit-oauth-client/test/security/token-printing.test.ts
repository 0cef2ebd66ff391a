// Issue 19 item 6: tokens printed in full. The token set the `refreshed` event hands listeners prints
// redacted under util.inspect, console.log, Deno's inspector and String(). JSON.stringify is the
// storage form: it keeps every field (tokenSetFromJSON round-trips through it), so it is not redacted.
// The records every store's get(), list(), listPage() and listDue() return are checked the same way by
// the store conformance suite (src/testing/conformance-printing.ts), which runs for every built-in
// store: memory, file, Redis (single node and cluster) and PostgreSQL.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { MemoryTokenStore, TokenManager, tokenSetFromJSON, type TokenSet } from "../../src/index.js";
import { assertPrintsRedacted } from "../../src/testing/conformance-printing.js";
import { emulatorSession, type Session } from "../support/emulator-session.js";

describe("the refreshed event", () => {
  let s: Session;
  before(async () => {
    s = await emulatorSession({ rotateAfter: 0 });
  });
  after(() => s.close());

  test("hands listeners a token set that prints redacted, and JSON-serialises whole", async () => {
    const token = await s.connect();
    const tokens = new TokenManager({ authClient: s.authClient, store: new MemoryTokenStore() });
    await tokens.save(token.realmId!, token);
    const seen: TokenSet[] = [];
    tokens.on("refreshed", (_realmId, set) => seen.push(set));
    await tokens.refresh(token.realmId!);
    assert.equal(seen.length, 1);
    const set = seen[0]!;
    assert.notEqual(set.accessToken, token.accessToken);
    assertPrintsRedacted(set, [set], "the refreshed event's token set");
    assert.deepEqual(tokenSetFromJSON(JSON.stringify(set)), { ...set });
    assert.equal(await tokens.getAccessToken(token.realmId!), set.accessToken);
  });
});
