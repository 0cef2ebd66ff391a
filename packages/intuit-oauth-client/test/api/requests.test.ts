import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthClient } from "../../src/client/auth-client.js";
import { documentPdf } from "../../../intuit-oauth-client-emulator/src/qbo-documents.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { ConfigurationError } from "../../src/common/errors.js";
import { MemoryTokenStore } from "../../src/stores/memory/token-store.js";
import { TokenManager } from "../../src/tokens/token-manager.js";
import { connected, type Connected } from "./helpers.js";
import { quickbooks } from "../../src/api/quickbooks.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let c: Connected;
let server: Server;
let serverUrl: string;
const seen: Seen[] = [];
let hold: (() => void) | undefined;

before(async () => {
  c = await connected();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.includes("/slow")) {
        // One chunk now, the rest only when the test says so.
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.write(Buffer.from("first-chunk"));
        hold = () => res.end("rest");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  hold?.();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await c.emu.close();
});

function last(): Seen {
  const s = seen.at(-1);
  if (!s) throw new Error("no request seen");
  return s;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

test("GET: company-relative path, minorversion=75, Bearer, Accept, User-Agent, no Content-Type", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  assert.deepEqual(await qb.get("customer/1"), { ok: true });
  const s = last();
  assert.equal(s.method, "GET");
  assert.equal(s.url, `/v3/company/${c.realmId}/customer/1?minorversion=75`);
  assert.equal(s.headers.authorization, `Bearer ${await c.tokens.getAccessToken(c.realmId)}`);
  assert.equal(s.headers.accept, "application/json");
  assert.match(s.headers["user-agent"] ?? "", /^intuit-oauth-client\/\S+ \(Node\.js v\d+/);
  assert.equal(s.headers["content-type"], undefined);
  assert.equal(s.body, "");
});

test("query: the SQL is percent-encoded into ?query= (the WHATWG URL also escapes ')", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  await qb.query("select * from Customer where DisplayName = 'Amy''s Bird' and Balance > 0");
  assert.equal(
    last().url,
    `/v3/company/${c.realmId}/query?query=select%20*%20from%20Customer%20where%20DisplayName%20%3D%20%27Amy%27%27s%20Bird%27%20and%20Balance%20%3E%200&minorversion=75`,
  );
});

test("POST: JSON body with Content-Type application/json", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  await qb.post("invoice", { Line: [{ Amount: 1.5 }], CustomerRef: { value: "1" } });
  const s = last();
  assert.equal(s.method, "POST");
  // Every Accounting write carries a fresh requestid (a UUID) after the other parameters.
  const m = /^\/v3\/company\/(\d+)\/invoice\?minorversion=75&requestid=([0-9a-f-]{36})$/.exec(s.url);
  assert.ok(m, s.url);
  assert.equal(m[1], c.realmId);
  assert.match(m[2] ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(s.headers["content-type"], "application/json");
  assert.equal(s.body, '{"Line":[{"Amount":1.5}],"CustomerRef":{"value":"1"}}');
  await qb.request({
    method: "POST",
    path: "query",
    body: "select * from Item",
    headers: { "Content-Type": "application/text" },
  });
  assert.equal(last().headers["content-type"], "application/text");
  assert.equal(last().body, "select * from Item");
});

test("paths: own query kept, minorversion not doubled, absolute paths, full URLs, query option", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: `${serverUrl}/` });
  const cases: Array<[Parameters<typeof qb.get>[0], Parameters<typeof qb.get>[1], string]> = [
    ["customer/1?minorversion=70", {}, `/v3/company/${c.realmId}/customer/1?minorversion=70`],
    ["invoice?operation=delete", {}, `/v3/company/${c.realmId}/invoice?operation=delete&minorversion=75`],
    [`/v3/company/${c.realmId}/preferences`, {}, `/v3/company/${c.realmId}/preferences?minorversion=75`],
    [`${serverUrl}/v3/company/${c.realmId}/item/5`, {}, `/v3/company/${c.realmId}/item/5?minorversion=75`],
    [
      "reports/ProfitAndLoss",
      { query: { start_date: "2024-01-01", accounting_method: "Cash", skip: undefined } },
      `/v3/company/${c.realmId}/reports/ProfitAndLoss?start_date=2024-01-01&accounting_method=Cash&minorversion=75`,
    ],
  ];
  for (const [path, options, expected] of cases) {
    await qb.get(path, options);
    assert.equal(last().url, expected, path);
  }
  // Payments calls go to the Payments base (its own host in production), without minorversion.
  const pay = quickbooks(c.tokens, c.realmId, {
    baseUrl: serverUrl,
    paymentsBaseUrl: `${serverUrl}/quickbooks/v4`,
  });
  await pay.get("payments/charges/1", { api: "payments" });
  assert.equal(last().url, "/quickbooks/v4/payments/charges/1");
  await pay.get("/quickbooks/v4/payments/charges/2", { api: "payments" });
  assert.equal(last().url, "/quickbooks/v4/payments/charges/2");
  // An Accounting call may not wander into another API's paths.
  await assert.rejects(pay.get("/quickbooks/v4/payments/charges/1"), ConfigurationError);
  await quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl, minorVersion: false }).get("customer/1");
  assert.equal(last().url, `/v3/company/${c.realmId}/customer/1`);
  await quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl, minorVersion: 70 }).get("customer/1");
  assert.equal(last().url, `/v3/company/${c.realmId}/customer/1?minorversion=70`);
});

test("refused before sending: dot segments, unsafe URLs, unknown base URL", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  const count = seen.length;
  await assert.rejects(qb.get("customer/../../9999/customer/1"), ConfigurationError);
  await assert.rejects(qb.get("http://example.com/v3/company/1/customer/1"), ConfigurationError);
  await assert.rejects(qb.get(""), ConfigurationError);
  assert.equal(seen.length, count);
  assert.throws(() => quickbooks(c.tokens, c.realmId, { baseUrl: "http://example.com" }), ConfigurationError);
  const noApi = new AuthClient({
    clientId: c.emu.defaultClient.clientId,
    clientSecret: c.emu.defaultClient.clientSecret,
    redirectUri: c.emu.defaultClient.redirectUri,
    environment: { ...c.authClient.endpoints, apiBaseUrl: undefined },
  });
  const tokens = new TokenManager({ authClient: noApi, store: new MemoryTokenStore() });
  assert.throws(() => quickbooks(tokens, "1"), {
    code: "ERR_CONFIGURATION",
    message:
      "This environment has no QuickBooks API base URL: pass baseUrl, e.g. https://sandbox-quickbooks.api.intuit.com",
  });
});

test("the base URL comes from the environment (the emulator's discovery document)", () => {
  const qb = quickbooks(c.tokens, c.realmId);
  assert.equal(qb.baseUrl, c.emu.url);
  assert.equal(c.authClient.apiBaseUrl, c.emu.url);
  const sandbox = new AuthClient({
    clientId: "a",
    clientSecret: "b",
    redirectUri: "https://x.test/cb",
    environment: "sandbox",
  });
  assert.equal(
    quickbooks(new TokenManager({ authClient: sandbox }), "1").baseUrl,
    "https://sandbox-quickbooks.api.intuit.com",
  );
});

/** A saved invoice (PDFs exist only for saved documents) and the PDF the emulator renders for it. */
async function newInvoice(amount: number): Promise<{ id: string; pdf: Buffer }> {
  const res = await fetch(`${c.emu.url}/v3/company/${c.realmId}/invoice`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await c.tokens.getAccessToken(c.realmId)}`,
      accept: "application/json",
      "content-type": "application/json",
    },
    body: JSON.stringify({
      CustomerRef: { value: "1" },
      Line: [{ Amount: amount, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }],
    }),
  });
  const doc = ((await res.json()) as { Invoice: Record<string, unknown> }).Invoice;
  return { id: String(doc["Id"]), pdf: documentPdf("Invoice", doc) };
}

test("PDF as arrayBuffer is byte-for-byte the emulator's answer (sha256), Accept: application/pdf", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const invoice = await newInvoice(130);
  const pdf = await qb.request({ path: `invoice/${invoice.id}/pdf`, responseType: "arrayBuffer" });
  assert.ok(pdf instanceof ArrayBuffer);
  assert.equal(pdf.byteLength, 65536);
  const direct = await fetch(`${c.emu.url}/v3/company/${c.realmId}/invoice/${invoice.id}/pdf`, {
    headers: {
      authorization: `Bearer ${await c.tokens.getAccessToken(c.realmId)}`,
      accept: "application/pdf",
    },
  });
  const expected = sha256(new Uint8Array(await direct.arrayBuffer()));
  assert.equal(sha256(new Uint8Array(pdf)), expected);
  assert.equal(sha256(invoice.pdf), expected);
  assert.equal(new Set(new Uint8Array(pdf)).size, 256);
  const other = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  await other.request({ path: "invoice/130/pdf", responseType: "arrayBuffer" });
  assert.equal(last().headers.accept, "application/pdf");
  await other.request({ path: "attachable/1", responseType: "stream" });
  assert.equal(last().headers.accept, "*/*");
});

test("a small arrayBuffer answer is exactly its bytes, not Node's pooled buffer around them", async () => {
  // Bodies under Node's pool size share one slab; the ArrayBuffer handed out must hold only the body.
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  const buf = await qb.request({ path: "customer/1", responseType: "arrayBuffer" });
  assert.ok(buf instanceof ArrayBuffer);
  assert.equal(buf.byteLength, 11);
  assert.equal(new TextDecoder().decode(buf), '{"ok":true}');
});

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test("responseType stream gives a web ReadableStream with the exact bytes (node:http and fetch transports)", async () => {
  const viaFetch = await AuthClient.create({
    clientId: c.emu.defaultClient.clientId,
    clientSecret: c.emu.defaultClient.clientSecret,
    redirectUri: c.emu.defaultClient.redirectUri,
    environment: c.emu.discoveryUrl,
    fetch: (input, init) => fetch(input, init),
  });
  const fetchTokens = new TokenManager({ authClient: viaFetch, store: c.tokens.store });
  const invoice = await newInvoice(131);
  for (const tokens of [c.tokens, fetchTokens]) {
    const stream = await quickbooks(tokens, c.realmId).request({
      path: `invoice/${invoice.id}/pdf`,
      responseType: "stream",
    });
    assert.ok(stream instanceof ReadableStream);
    assert.equal(sha256(await readAll(stream)), sha256(invoice.pdf));
    const bytes = await quickbooks(tokens, c.realmId).request({
      path: `invoice/${invoice.id}/pdf`,
      responseType: "arrayBuffer",
    });
    assert.equal(sha256(new Uint8Array(bytes)), sha256(invoice.pdf));
  }
});

test("a streamed call that fails is a QuickBooksError with the Fault read from the buffered body", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const err = await qb.request({ path: "invoice/131/nope", responseType: "stream" }).then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof QuickBooksError);
  assert.equal(err.statusCode, 400);
  assert.deepEqual(
    err.errors.map((e) => e.code),
    ["4001"],
  );
});

test("the caller's signal aborts a stream after the response has arrived", async () => {
  const qb = quickbooks(c.tokens, c.realmId, { baseUrl: serverUrl });
  const controller = new AbortController();
  const stream = await qb.request({ path: "slow", responseType: "stream", signal: controller.signal });
  const reader = stream.getReader();
  const first = await reader.read();
  assert.equal(Buffer.from(first.value ?? []).toString(), "first-chunk");
  controller.abort(new Error("stop"));
  await assert.rejects(reader.read());
});

test("send() returns status, headers and intuit_tid with the body", async () => {
  const qb = quickbooks(c.tokens, c.realmId);
  const res = await qb.send<{ Customer: { DisplayName: string } }>({ path: "customer/2" });
  assert.equal(res.status, 200);
  assert.equal(res.attempts, 1);
  assert.equal(res.body.Customer.DisplayName, "Bill's Windsurf Shop");
  assert.equal(res.headers["content-type"], "application/json;charset=UTF-8");
  assert.match(res.intuitTid ?? "", /^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
});
