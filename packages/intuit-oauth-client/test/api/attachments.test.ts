// qb.upload and qb.download: multipart/form-data to /upload from bytes, a string, a web
// ReadableStream or a Node Readable, the Attachable linked to its entity, and downloads through the
// TempDownloadUri that never carry the Bearer token (the emulator refuses one, as S3 does).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { ConfigurationError } from "../../src/common/errors.js";
import { QuickBooksError } from "../../src/api/fault.js";
import { quickbooks, type QuickBooksClient } from "../../src/api/quickbooks.js";
import { connected, type Connected } from "./helpers.js";

let c: Connected;
let qb: QuickBooksClient;
let files: Server;
let filesUrl: string;
const fileRequests: IncomingHttpHeaders[] = [];

before(async () => {
  c = await connected();
  qb = quickbooks(c.tokens, c.realmId);
  files = createServer((req, res) => {
    fileRequests.push(req.headers);
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end("bytes from another host");
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((resolve) => files.close(() => resolve()));
  await c.emu.close();
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
/** Every byte value, twice over, and some: binary-safety needs more than text. */
const BINARY = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

test("bytes: uploaded as multipart, linked to the invoice, downloaded byte for byte through the TempDownloadUri", async () => {
  const invoice = await qb.create("Invoice", {
    CustomerRef: { value: "1" },
    Line: [{ Amount: 1, DetailType: "SalesItemLineDetail", SalesItemLineDetail: {} }],
  });
  const a = await qb.upload({
    fileName: 'scan "1".bin',
    contentType: "application/octet-stream",
    data: BINARY,
    attachTo: { type: "Invoice", value: invoice.Id as string, includeOnSend: true },
    note: "the scan",
  });
  assert.equal(a.FileName, 'scan "1".bin');
  assert.equal(a.ContentType, "application/octet-stream");
  assert.equal(a.Size, BINARY.length);
  assert.equal(a.Note, "the scan");
  assert.deepEqual(a.AttachableRef, [
    { EntityRef: { type: "Invoice", value: invoice.Id }, IncludeOnSend: true },
  ]);
  assert.equal(a.FileAccessUri, `/v3/company/${c.realmId}/download/${a.Id}`);
  assert.ok(a.TempDownloadUri?.startsWith(`${c.emu.url}/qbo-files/`), a.TempDownloadUri);
  const bytes = await qb.download(a);
  assert.ok(bytes instanceof ArrayBuffer);
  assert.equal(sha(new Uint8Array(bytes)), sha(BINARY));
  // By id: a fresh link is asked for first.
  assert.equal(sha(new Uint8Array(await qb.download(a.Id as string))), sha(BINARY));
  // As a stream.
  const stream = await qb.download(a, { responseType: "stream" });
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  assert.equal(sha(Buffer.concat(chunks)), sha(BINARY));
  // The attachable is an entity like any other.
  const read = await qb.read("Attachable", a.Id as string);
  assert.equal(read.Size, BINARY.length);
});

test("data as a string or an ArrayBuffer; stream as a web ReadableStream or a Node Readable", async () => {
  const text = await qb.upload({ fileName: "note.txt", contentType: "text/plain", data: "héllo wörld" });
  assert.equal(new TextDecoder().decode(await qb.download(text)), "héllo wörld");
  const ab = await qb.upload({
    fileName: "ab.bin",
    contentType: "application/octet-stream",
    data: BINARY.slice().buffer,
  });
  assert.equal(sha(new Uint8Array(await qb.download(ab))), sha(BINARY));
  const web = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < BINARY.length; i += 8192) controller.enqueue(BINARY.slice(i, i + 8192));
      controller.close();
    },
  });
  const fromWeb = await qb.upload({
    fileName: "web.bin",
    contentType: "application/octet-stream",
    stream: web,
  });
  assert.equal(fromWeb.Size, BINARY.length);
  assert.equal(sha(new Uint8Array(await qb.download(fromWeb))), sha(BINARY));
  const node = Readable.from([Buffer.from(BINARY.subarray(0, 1000)), Buffer.from(BINARY.subarray(1000))]);
  const fromNode = await qb.upload({
    fileName: "node.bin",
    contentType: "application/octet-stream",
    stream: node,
  });
  assert.equal(sha(new Uint8Array(await qb.download(fromNode))), sha(BINARY));
});

test("the TempDownloadUri never gets the Bearer token: the emulator refuses one, and another host sees none", async () => {
  const a = await qb.upload({ fileName: "secret.txt", contentType: "text/plain", data: "s" });
  const link = a.TempDownloadUri as string;
  const withBearer = await fetch(link, {
    headers: { authorization: `Bearer ${await c.tokens.getAccessToken(c.realmId)}` },
  });
  assert.equal(withBearer.status, 400);
  assert.match(await withBearer.text(), /<Code>InvalidArgument<\/Code>/);
  assert.equal((await fetch(link)).status, 200);
  // A tampered link is refused.
  // (Its first signature character changed: to 0, or to 1 when it was 0 already.)
  const tampered = link.replace(
    /X-Amz-Signature=(.)/,
    (_m, c: string) => `X-Amz-Signature=${c === "0" ? "1" : "0"}`,
  );
  assert.notEqual(tampered, link);
  assert.equal((await fetch(tampered)).status, 403);
  // A credentialed request to the link is refused before sending (it is outside the realm's API path).
  await assert.rejects(qb.get(link), ConfigurationError);

  fileRequests.length = 0;
  // Another host only when the app allows it (Intuit's own S3 hosts and the API origin are allowed).
  const link2 = { TempDownloadUri: `${filesUrl}/bucket/file?X-Amz-Signature=abc` };
  await assert.rejects(qb.download(link2), { code: "ERR_FORBIDDEN_ORIGIN" });
  assert.equal(fileRequests.length, 0);
  const withFiles = quickbooks(c.tokens, c.realmId, { downloadHosts: [filesUrl] });
  const other = await withFiles.download(link2, { responseType: "text" });
  assert.equal(other, "bytes from another host");
  assert.equal(fileRequests.length, 1);
  assert.equal(fileRequests[0]?.authorization, undefined);
});

test("an expired TempDownloadUri is refused (403); a fresh one from download(id) works", async () => {
  const a = await qb.upload({ fileName: "old.txt", contentType: "text/plain", data: "old" });
  c.emu.advanceClock(16 * 60 * 1000);
  const err = await qb.download(a).then(
    () => assert.fail("expected a 403"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof QuickBooksError);
  assert.equal(err.statusCode, 403);
  assert.equal(new TextDecoder().decode(await qb.download(a.Id as string)), "old");
});

test("an upload linked to a missing entity is refused with 610; bad options never reach the network", async () => {
  const err = await qb
    .upload({
      fileName: "x.txt",
      contentType: "text/plain",
      data: "x",
      attachTo: { type: "Invoice", value: "99999" },
    })
    .then(
      () => assert.fail("expected a QuickBooksError"),
      (e: unknown) => e,
    );
  assert.ok(err instanceof QuickBooksError);
  assert.equal(err.errors[0]?.code, "610");
  const before = c.emu.counters().api;
  const bad = [
    { fileName: "", contentType: "text/plain", data: "x" },
    { fileName: "a\r\nb.txt", contentType: "text/plain", data: "x" },
    { fileName: "a.txt", contentType: "text plain", data: "x" },
    { fileName: "a.txt", contentType: "text/plain" },
    { fileName: "a.txt", contentType: "text/plain", data: "x", stream: Readable.from([]) },
    { fileName: "a.txt", contentType: "text/plain", data: 42 },
    { fileName: "a.txt", contentType: "text/plain", data: "12345", maxBytes: 4 },
    { fileName: "a.txt", contentType: "text/plain", stream: Readable.from([Buffer.alloc(10)]), maxBytes: 4 },
    { fileName: "a.txt", contentType: "text/plain", stream: Readable.from(["text chunks"]) },
    { fileName: "a.txt", contentType: "text/plain", data: "x", attachTo: { type: "Invoice" } },
  ];
  for (const options of bad)
    await assert.rejects(
      qb.upload(options as Parameters<typeof qb.upload>[0]),
      ConfigurationError,
      JSON.stringify(options),
    );
  await assert.rejects(qb.download({}), ConfigurationError);
  await assert.rejects(qb.download({ TempDownloadUri: "file:///etc/passwd" }), ConfigurationError);
  assert.equal(c.emu.counters().api, before);
});

test("the portable build (no Node built-ins, fetch transport) uploads a stream and downloads it", async () => {
  // The built file (npm test builds first); a computed path keeps the type check independent of dist/.
  const built = new URL("../../dist/edge/index.js", import.meta.url).href;
  const edge = (await import(built)) as typeof import("../../src/index.portable.js");
  // A token source of your own brings its limits (the TokenManager's own are not the edge build's).
  const source = {
    getAccessToken: (realm: string) => c.tokens.getAccessToken(realm),
    refresh: async () => undefined,
    apiLimits: new edge.MemoryApiLimits(),
  };
  const portable = edge.quickbooks(source, c.realmId, { baseUrl: c.emu.url });
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(BINARY.subarray(0, 30_000));
      controller.enqueue(BINARY.subarray(30_000));
      controller.close();
    },
  });
  const a = await portable.upload({ fileName: "edge.bin", contentType: "application/octet-stream", stream });
  assert.equal(a.Size, BINARY.length);
  assert.equal(sha(new Uint8Array(await portable.download(a))), sha(BINARY));
});
