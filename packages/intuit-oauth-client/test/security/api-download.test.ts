// Issue 19 (lower #13): qb.download() follows a TempDownloadUri only to Intuit's attachment hosts,
// the helper's own API origins, or hosts the app adds with `downloadHosts`, and never sends the
// Bearer token there. A link comes from an API answer a tenant can influence (an Attachable, or
// `download/{id}`), so any other host, loopback http included, is refused before a request is made.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  MemoryApiLimits,
  ConfigurationError,
  ForbiddenOriginError,
  quickbooks,
  type QuickBooksTokens,
} from "../../src/index.js";
import { INTUIT_DOWNLOAD_HOSTS } from "../../src/quickbooks.js";
import { downloadHostRule } from "../../src/api/download-hosts.js";
import { rejection } from "../support/fake-intuit.js";

const tokens: QuickBooksTokens = {
  getAccessToken: async () => "AT-SECRET",
  refresh: async () => undefined,
  apiLimits: new MemoryApiLimits(),
};

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}
async function listen(
  answer: (url: string) => string,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(answer(req.url ?? ""));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let api: Awaited<ReturnType<typeof listen>>;
let files: Awaited<ReturnType<typeof listen>>;
before(async () => {
  files = await listen(() => "file bytes");
  // The API: `download/{id}` answers with a link to the other server, as a tenant's data might.
  api = await listen((url) =>
    url.includes("/download/") ? `${files.url}/bucket/f?sig=1` : "api file bytes",
  );
});
after(async () => {
  for (const s of [api.server, files.server]) await new Promise<void>((r) => s.close(() => r()));
});

describe("the hosts a TempDownloadUri may point to", () => {
  test("another host, loopback http included, is refused before anything is sent", async () => {
    const qb = quickbooks(tokens, "1", { baseUrl: api.url });
    files.seen.length = 0;
    for (const attachable of [{ TempDownloadUri: `${files.url}/bucket/f?sig=1` }, "5"]) {
      const err = await rejection(qb.download(attachable));
      assert.ok(err instanceof ForbiddenOriginError, String(err));
      assert.equal(err.code, "ERR_FORBIDDEN_ORIGIN");
      assert.match(err.message, /downloadHosts/);
    }
    assert.equal(files.seen.length, 0);
  });

  test("the helper's own API origin is allowed (the emulator serves files there), without the token", async () => {
    const qb = quickbooks(tokens, "1", { baseUrl: api.url });
    api.seen.length = 0;
    const bytes = await qb.download({ TempDownloadUri: `${api.url}/qbo-files/1/5/f.txt?sig=1` });
    assert.equal(new TextDecoder().decode(bytes), "api file bytes");
    assert.equal(api.seen.length, 1);
    assert.equal(api.seen[0]!.headers.authorization, undefined);
  });

  test("downloadHosts adds a host; the download carries no Authorization and no token anywhere", async () => {
    const qb = quickbooks(tokens, "1", { baseUrl: api.url, downloadHosts: [files.url] });
    files.seen.length = 0;
    api.seen.length = 0;
    assert.equal(new TextDecoder().decode(await qb.download("5")), "file bytes");
    // The API call that asked for the link had the token; the download did not.
    assert.equal(api.seen[0]!.headers.authorization, "Bearer AT-SECRET");
    assert.equal(files.seen.length, 1);
    const sent = files.seen[0]!;
    assert.equal(sent.headers.authorization, undefined);
    assert.ok(!JSON.stringify(sent).includes("AT-SECRET"), JSON.stringify(sent));
  });

  test("Intuit's S3 buckets match; look-alikes, http, other ports and subdomains do not", () => {
    const allowed = downloadHostRule(["https://quickbooks.api.intuit.com"], ["*.files.example.com"]);
    const yes = [
      "https://intuit-qbo-prod-30.s3.amazonaws.com/1002341430%2Fattachments%2Fmonkey.jpg?Expires=1",
      "https://intuit-qbo-preprod-17.s3.amazonaws.com/x",
      "https://INTUIT-QBO-PROD-4.S3.amazonaws.com/x",
      "https://intuit-qbo-prod-4.s3.us-west-2.amazonaws.com/x",
      "https://intuit-qbo-prod-4.s3-us-west-2.amazonaws.com/x",
      "https://quickbooks.api.intuit.com/qbo-files/x",
      "https://a.files.example.com/x",
      "https://a.b.files.example.com/x",
    ];
    const no = [
      "https://intuit-qbo-.s3.amazonaws.com/x",
      "https://evil.s3.amazonaws.com/x",
      "https://intuit-qbo-prod-30.s3.amazonaws.com.evil.example/x",
      "https://x.intuit-qbo-prod-30.s3.amazonaws.com/x",
      "http://intuit-qbo-prod-30.s3.amazonaws.com/x",
      "https://intuit-qbo-prod-30.s3.amazonaws.com:8443/x",
      "https://sandbox-quickbooks.api.intuit.com/x",
      "http://quickbooks.api.intuit.com/x",
      "https://files.example.com/x",
      "https://127.0.0.1/x",
    ];
    for (const u of yes) assert.equal(allowed(new URL(u)), true, u);
    for (const u of no) assert.equal(allowed(new URL(u)), false, u);
    assert.ok(INTUIT_DOWNLOAD_HOSTS.length > 0 && Object.isFrozen(INTUIT_DOWNLOAD_HOSTS));
  });

  test("a bad downloadHosts entry is a ConfigurationError when the helper is made", () => {
    const bad: unknown[] = [
      "http://files.example.com",
      "https://files.example.com/path",
      "https://user@files.example.com",
      "*",
      "com",
      "a*b*.example.com",
      "files.example.com/x",
      "",
      42,
    ];
    for (const entry of bad)
      assert.throws(
        () => quickbooks(tokens, "1", { baseUrl: api.url, downloadHosts: [entry as string] }),
        ConfigurationError,
        String(entry),
      );
    assert.throws(
      () => quickbooks(tokens, "1", { baseUrl: api.url, downloadHosts: "files.example.com" as never }),
      ConfigurationError,
    );
  });
});
