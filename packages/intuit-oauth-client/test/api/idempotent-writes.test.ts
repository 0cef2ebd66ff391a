// Writes carry an idempotency key (Accounting `requestid`, Payments `Request-Id`), keep it across
// retries, and are therefore retried after a lost response, a 5xx or a 429; the emulator answers a
// repeated key with the first answer, so exactly one entity comes of it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ConfigurationError } from "../../src/common/errors.js";
import { NetworkError } from "../../src/http/errors.js";
import { quickbooks } from "../../src/api/quickbooks.js";
import { connected, fakeTime, type Connected } from "./helpers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LINE = [{ Amount: 10, DetailType: "SalesItemLineDetail" as const, SalesItemLineDetail: {} }];

let c: Connected;
let server: Server;
let serverUrl: string;
const seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders }> = [];
// What the raw server does with the next requests: "drop" closes the socket after reading the
// request (the answer is lost), a number answers with that status, anything else answers 200.
const plan: Array<"drop" | number> = [];

before(async () => {
  c = await connected();
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
      const step = plan.shift();
      if (step === "drop") return req.socket.destroy();
      if (typeof step === "number") {
        res.writeHead(step, { "content-type": "text/plain" });
        return res.end("try again");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"Invoice":{"Id":"7","SyncToken":"0"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await c.emu.close();
});

const requestIdOf = (url: string) => new URL(url, "http://x").searchParams.get("requestid");

function named(name: string): Array<Record<string, unknown>> {
  return (c.emu.entities(c.realmId)["Customer"] ?? []).filter((e) => e["DisplayName"] === name);
}

test("the key fault: a create whose answer is lost is retried with the same requestid; the emulator holds one entity and the caller gets it", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, { ...time.options });
  const before = c.emu.counters().api;
  c.emu.injectFault("api", { type: "resetAfterRead" }, 1); // the create runs, then the socket is cut
  const created = await qb.create("Customer", { DisplayName: "Lost Answer Ltd" });
  assert.equal(c.emu.counters().api - before, 2);
  assert.equal(time.waits.length, 1); // one backoff before the retry
  const stored = named("Lost Answer Ltd");
  assert.equal(stored.length, 1);
  assert.deepEqual(created, stored[0]);
  assert.equal(created.SyncToken, "0");
});

test("a create answered 503 (it never ran) or 429 is retried and made once", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, { ...time.options });
  c.emu.injectFault("api", { type: "status", status: 503 }, 1);
  const a = await qb.create("Customer", { DisplayName: "After 503" });
  c.emu.injectFault("api", { type: "rateLimit", retryAfter: 2 }, 1);
  const b = await qb.create("Customer", { DisplayName: "After 429" });
  assert.deepEqual([named("After 503").length, named("After 429").length], [1, 1]);
  assert.equal(a.DisplayName, "After 503");
  assert.equal(b.DisplayName, "After 429");
  assert.equal(time.waits.at(-1), 2000);
});

test("the same requestid sent again later gets the first answer: no second entity, even with another body", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const first = await qb.create("Customer", { DisplayName: "Replay One" }, { requestId: "order-42" });
  const again = await qb.create("Customer", { DisplayName: "Replay Two" }, { requestId: "order-42" });
  assert.deepEqual(again, first);
  assert.equal(named("Replay One").length, 1);
  assert.equal(named("Replay Two").length, 0);
});

test("without a key a lost answer is not retried; forcing idempotent: true without one duplicates the write", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, { ...time.options });
  const count = () =>
    (c.emu.entities(c.realmId)["Invoice"] ?? []).filter((i) => i["DocNumber"] === "DUP-1").length;
  c.emu.injectFault("api", { type: "resetAfterRead" }, 1);
  const err = await qb
    .create("Invoice", { DocNumber: "DUP-1", CustomerRef: { value: "1" }, Line: LINE }, { requestId: false })
    .then(
      () => assert.fail("expected a NetworkError"),
      (e: unknown) => e,
    );
  assert.ok(err instanceof NetworkError, String(err));
  assert.equal(count(), 1); // it ran; the caller cannot know
  c.emu.injectFault("api", { type: "resetAfterRead" }, 1);
  await qb.post(
    "invoice",
    { DocNumber: "DUP-1", CustomerRef: { value: "1" }, Line: LINE },
    { requestId: false, idempotent: true },
  );
  assert.equal(count(), 3); // the retry made a second invoice: this is what requestid prevents
});

test("the key on the wire: a UUID per write, the same on every retry, none on GET; yours when given; checked before sending", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl, ...time.options });
  seen.length = 0;
  plan.push("drop", 502);
  const res = await qb.send({ method: "POST", path: "invoice", body: { Line: [] } });
  assert.equal(res.attempts, 3);
  const ids = seen.map((s) => requestIdOf(s.url));
  assert.equal(ids.length, 3);
  assert.match(ids[0] ?? "", UUID);
  assert.deepEqual(ids, [ids[0], ids[0], ids[0]]);
  assert.equal(res.requestId, ids[0]);

  await qb.send({ method: "POST", path: "invoice", body: {} });
  assert.notEqual(requestIdOf(seen.at(-1)!.url), ids[0]); // a new call, a new key

  await qb.get("invoice/7");
  assert.equal(requestIdOf(seen.at(-1)!.url), null);
  await qb.post("invoice", {}, { requestId: "my-key-1" });
  assert.equal(requestIdOf(seen.at(-1)!.url), "my-key-1");
  await qb.post("invoice?requestid=in-path", {});
  assert.equal(requestIdOf(seen.at(-1)!.url), "in-path");
  assert.equal(seen.at(-1)!.url.match(/requestid=/g)?.length, 1);
  await qb.post("invoice", {}, { requestId: false });
  assert.equal(requestIdOf(seen.at(-1)!.url), null);

  const count = seen.length;
  for (const bad of ["x".repeat(51), "", "has space", "é"])
    await assert.rejects(qb.post("invoice", {}, { requestId: bad }), ConfigurationError, JSON.stringify(bad));
  await assert.rejects(qb.post("invoice?requestid=a", {}, { requestId: "b" }), ConfigurationError);
  assert.equal(seen.length, count);
  await qb.post("invoice", {}, { requestId: "x".repeat(50) });
  assert.equal(requestIdOf(seen.at(-1)!.url), "x".repeat(50));
});

test("Payments writes carry a Request-Id header (kept across retries), GETs none, and no requestid parameter", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, {
    baseUrl: serverUrl,
    paymentsBaseUrl: `${serverUrl}/quickbooks/v4`,
    ...time.options,
  });
  seen.length = 0;
  plan.push(503);
  const res = await qb.send({
    method: "POST",
    api: "payments",
    path: "payments/charges",
    body: { amount: "10.00" },
  });
  assert.equal(res.attempts, 2);
  const [a, b] = seen;
  assert.match(String(a?.headers["request-id"]), UUID);
  assert.equal(b?.headers["request-id"], a?.headers["request-id"]);
  assert.equal(a?.url, "/quickbooks/v4/payments/charges");
  assert.equal(res.requestId, a?.headers["request-id"]);
  await qb.get("payments/charges/1", { api: "payments" });
  assert.equal(seen.at(-1)?.headers["request-id"], undefined);
  await qb.post("payments/charges", {}, { api: "payments", headers: { "Request-Id": "charge-77" } });
  assert.equal(seen.at(-1)?.headers["request-id"], "charge-77");
  await qb.post("payments/charges", {}, { api: "payments", requestId: "charge-78" });
  assert.equal(seen.at(-1)?.headers["request-id"], "charge-78");
});

test("GraphQL calls carry no key and a POST there is not retried", async () => {
  const time = fakeTime();
  const qb = quickbooks(c.tokens, c.realmId, {
    baseUrl: serverUrl,
    graphqlUrl: `${serverUrl}/graphql`,
    ...time.options,
  });
  seen.length = 0;
  plan.push(503);
  await assert.rejects(qb.post(`${serverUrl}/graphql`, { query: "{ x }" }, { api: "graphql" }), {
    statusCode: 503,
  });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.headers["request-id"], undefined);
  assert.equal(requestIdOf(seen[0]?.url ?? ""), null);
});
