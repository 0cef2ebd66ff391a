// Security review findings 3 and 4: the Bearer token goes only to the configured API origins, and
// the path guard decides on the parsed URL, so encoded dot segments and backslashes cannot leave
// the realm's prefix. Issue 19 (lower #5): TAB, CR and LF, which URL parsing deletes, cannot split
// an encoded slash past the guard.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { ConfigurationError, IntuitOAuthError, quickbooks } from "../../src/index.js";
import { connected, type Connected } from "../api/helpers.js";
import { rejection } from "../support/fake-intuit.js";

let c: Connected;
let other: Server;
let otherUrl: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];

before(async () => {
  c = await connected();
  other = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end("file-bytes");
  });
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => other.close(() => r()));
  await c.emu.close();
});

describe("finding 3: credentials go only to the API origins", () => {
  test("an absolute URL on another host is refused before anything is sent", async () => {
    const qb = quickbooks(c.tokens, c.realmId);
    seen.length = 0;
    const err = await rejection(qb.get(`${otherUrl}/attachments/temp?sig=1`));
    assert.ok(err instanceof IntuitOAuthError, String(err));
    assert.equal((err as IntuitOAuthError).code, "ERR_FORBIDDEN_ORIGIN");
    assert.equal(seen.length, 0);
  });

  test("auth: false fetches it without the Bearer token (a TempDownloadUri)", async () => {
    const qb = quickbooks(c.tokens, c.realmId);
    seen.length = 0;
    const bytes = await qb.request({
      path: `${otherUrl}/attachments/temp?sig=1`,
      auth: false,
      responseType: "text",
    });
    assert.equal(bytes, "file-bytes");
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers["authorization"], undefined);
  });
});

describe("finding 4: the path guard works on the parsed URL", () => {
  const escapes = [
    "customer/.%2e/.%2e/.%2e/12345/customer/1",
    "customer/%2e./%2e./9999/customer/1",
    "customer/%2E%2E/x",
    "customer\\..\\..\\9999\\customer\\1",
    "customer/..\\x",
    "/v3/company/9999/customer/1",
    "/v3/company/other/../9999/customer/1",
  ];
  for (const path of escapes) {
    test(`refuses ${JSON.stringify(path)}`, async () => {
      const qb = quickbooks(c.tokens, c.realmId);
      c.emu.resetCounters();
      const err = await rejection(qb.get(path));
      assert.ok(err instanceof ConfigurationError, `${path}: ${String(err)}`);
      assert.equal(c.emu.counters()["api"] ?? 0, 0);
    });
  }

  test("an absolute path inside the realm still works", async () => {
    const qb = quickbooks(c.tokens, c.realmId);
    const info = await qb.get<{ CompanyInfo: { CompanyName: string } }>(
      `/v3/company/${c.realmId}/companyinfo/${c.realmId}`,
    );
    assert.equal(typeof info.CompanyInfo.CompanyName, "string");
  });
});

describe("issue 19: control characters cannot hide an encoded slash from the path guard", () => {
  const escapes = [
    "..%\t2f..%\t2f9999/customer/1",
    "..%2\tf..%2\tf9999/customer/1",
    "..%\r2f..%\n2f9999/customer/1",
    "customer/..%\t5c..%\t5c9999/customer/1",
    "customer\t/1",
    "customer/1\u0000",
    "customer/\u007f1",
    "customer/\u00851",
  ];
  const shown = (p: string) =>
    JSON.stringify(p).replace(
      /[\u007f-\u009f]/g,
      (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  for (const path of escapes) {
    test(`refuses ${shown(path)} before sending`, async () => {
      const qb = quickbooks(c.tokens, c.realmId);
      c.emu.resetCounters();
      const err = await rejection(qb.get(path));
      assert.ok(err instanceof ConfigurationError, `${JSON.stringify(path)}: ${String(err)}`);
      assert.equal(c.emu.counters()["api"] ?? 0, 0);
    });
  }

  test("a full URL with a TAB in its path is refused too", async () => {
    const qb = quickbooks(c.tokens, c.realmId);
    const base = qb.baseUrl;
    const err = await rejection(qb.get(`${base}/v3/company/${c.realmId}/..%\t2f..%\t2f9999/customer/1`));
    assert.ok(err instanceof ConfigurationError, String(err));
  });
});
