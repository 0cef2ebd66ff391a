import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { QuickBooksError } from "../../src/api/fault.js";
import { connected, type Connected } from "./helpers.js";
import { quickbooks } from "../../src/api/quickbooks.js";

const TID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
let c: Connected;
before(async () => {
  c = await connected();
});
after(() => c.emu.close());

function delta(before: Record<string, number>, now: Record<string, number>, key: string): number {
  return (now[key] ?? 0) - (before[key] ?? 0);
}

test("401 after the emulator expires the token: one refresh, one retry, counted at the emulator", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const oldToken = await c.tokens.getAccessToken(c.realmId);
  const before = c.emu.counters();
  c.emu.expireAccessTokens(c.realmId);
  const body = await qb.get<{ CompanyInfo: { CompanyName: string } }>(`companyinfo/${c.realmId}`);
  assert.equal(body.CompanyInfo.CompanyName, "Sandbox Company_US_1");
  const now = c.emu.counters();
  assert.equal(delta(before, now, "token"), 1);
  assert.equal(delta(before, now, "api"), 2);
  const newToken = await c.tokens.getAccessToken(c.realmId);
  assert.notEqual(newToken, oldToken);
  assert.equal(c.emu.isAccessTokenValid(newToken), true);
});

test("a burst of 20 concurrent calls after expiry causes exactly one refresh", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const before = c.emu.counters();
  c.emu.expireAccessTokens(c.realmId);
  const results = await Promise.all(
    Array.from({ length: 20 }, () => qb.get<{ Customer: { Id: string } }>("customer/1")),
  );
  assert.deepEqual(
    results.map((r) => r.Customer.Id),
    Array.from({ length: 20 }, () => "1"),
  );
  const now = c.emu.counters();
  assert.equal(delta(before, now, "token"), 1);
  // Every call is sent at most twice: the 401 and the retry.
  assert.ok(
    delta(before, now, "api") >= 21 && delta(before, now, "api") <= 40,
    `api ${delta(before, now, "api")}`,
  );
});

test("a 401 on the retry too becomes a QuickBooksError (AUTHENTICATION 3200); only one refresh", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const before = c.emu.counters();
  c.emu.injectFault("api", { type: "status", status: 401 }, 2);
  const err = await qb.get(`companyinfo/${c.realmId}`).then(
    () => assert.fail("expected a QuickBooksError"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof QuickBooksError);
  assert.equal(err.code, "ERR_QUICKBOOKS");
  assert.equal(err.statusCode, 401);
  assert.equal(err.faultType, "AUTHENTICATION");
  assert.deepEqual(err.errors, [
    {
      code: "3200",
      message: "message=AuthenticationFailed; errorCode=003200; statusCode=401",
      detail: "Token expired",
    },
  ]);
  assert.match(err.intuitTid ?? "", TID);
  assert.equal(err.time, new Date(Date.parse(err.time ?? "")).toISOString());
  const now = c.emu.counters();
  assert.equal(delta(before, now, "token"), 1);
  assert.equal(delta(before, now, "api"), 2);
});

test("a POST refused with 401 is refreshed and sent again once (it never ran)", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const before = c.emu.counters();
  c.emu.expireAccessTokens(c.realmId);
  const created = await qb.post<{ Invoice: { Id: string; CustomerRef: { value: string } } }>("invoice", {
    CustomerRef: { value: "2" },
    Line: [{ Amount: 10, DetailType: "SalesItemLineDetail" }], // required by the create, as in production
  });
  assert.equal(created.Invoice.CustomerRef.value, "2");
  const now = c.emu.counters();
  assert.equal(delta(before, now, "token"), 1);
  assert.equal(delta(before, now, "api"), 2);
  const all = await qb.query<{ QueryResponse: { Invoice: Array<{ Id: string }> } }>("select * from Invoice");
  assert.deepEqual(
    all.QueryResponse.Invoice.map((i) => i.Id),
    [created.Invoice.Id],
  );
});
