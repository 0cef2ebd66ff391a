// The node:http transport behind a proxy: HTTPS_PROXY through a CONNECT tunnel (counted by a
// loopback proxy, to a loopback TLS server whose self-signed certificate the child process trusts
// through NODE_EXTRA_CA_CERTS), HTTP_PROXY as a forward proxy, NO_PROXY and the loopback rule,
// what the proxy gets to see, and failures: refused, unreachable, silent (timeout), aborted.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { NetworkError } from "../../src/index.js";
import { parseNoProxy, parseProxyUrl, proxyFor } from "../../src/http/proxy.js";
import { createNodeTransport } from "../../src/http/node-transport.js";
import type { TransportRequest } from "../../src/http/transport.js";
import { selfSigned, type SelfSigned } from "../support/self-signed.js";

const PROXY_VARS = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"];
afterEach(() => {
  for (const v of PROXY_VARS) delete process.env[v];
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as http.Server).closeAllConnections?.();
  });
}

/** A CONNECT proxy on 127.0.0.1 that records each request head and counts the tunnels it opens. */
interface ConnectProxy {
  port: number;
  heads: string[];
  tunnels: number;
  /** "open" tunnels to 127.0.0.1:<the requested port>; "refuse" answers 407; "silent" never answers. */
  mode: "open" | "refuse" | "silent";
  /** Resolves when the next CONNECT head arrives, with a promise of that client socket's close. */
  nextHead(): Promise<{ closed: Promise<void> }>;
  server: net.Server;
}

async function startConnectProxy(): Promise<ConnectProxy> {
  const waiting: Array<(arrived: { closed: Promise<void> }) => void> = [];
  const proxy: ConnectProxy = {
    port: 0,
    heads: [],
    tunnels: 0,
    mode: "open",
    nextHead: () => new Promise((resolve) => waiting.push(resolve)),
    server: net.createServer((client) => {
      let buffered = Buffer.alloc(0);
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      client.on("error", () => {});
      const onData = (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) return;
        client.off("data", onData);
        const head = buffered.subarray(0, end + 4).toString("latin1");
        proxy.heads.push(head);
        waiting.shift()?.({ closed });
        if (proxy.mode === "silent") return;
        if (proxy.mode === "refuse") {
          client.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n");
          return;
        }
        const port = Number(/^CONNECT [^ ]+:(\d+) HTTP\/1\.1\r\n/.exec(head)?.[1]);
        const upstream = net.connect(port, "127.0.0.1", () => {
          proxy.tunnels += 1;
          client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          client.pipe(upstream).pipe(client);
        });
        upstream.on("error", () => client.destroy());
      };
      client.on("data", onData);
    }),
  };
  proxy.port = await listen(proxy.server);
  return proxy;
}

const nodeTransport = createNodeTransport();

/** A one-off request through a node:http transport. */
function send(url: string, extra: Partial<TransportRequest> = {}) {
  return nodeTransport({
    method: "GET",
    url,
    headers: { authorization: "Bearer SECRET-ACCESS-TOKEN" },
    timeoutMs: 10_000,
    timeoutError: () => new Error("timed out (test)"),
    maxBodyBytes: 1 << 20,
    ...extra,
  });
}

describe("proxy settings from the environment", () => {
  test("which variable applies to which target; lower case wins; CGI ignores HTTP_PROXY", () => {
    const https1 = { protocol: "https:", hostname: "oauth.platform.intuit.com", port: "" };
    const http1 = { protocol: "http:", hostname: "api.example", port: "8080" };
    const env = { HTTPS_PROXY: "http://upper:1", https_proxy: "lower:2" };
    assert.equal(proxyFor(https1, env)?.display, "http://lower:2");
    assert.equal(proxyFor(http1, env), undefined);
    const h = { HTTP_PROXY: "http://p:3" };
    assert.equal(proxyFor(http1, h)?.display, "http://p:3");
    assert.equal(proxyFor(https1, h), undefined, "HTTP_PROXY is not used for https targets");
    assert.equal(proxyFor(http1, { HTTP_PROXY: "http://evil:1", REQUEST_METHOD: "GET" }), undefined);
    assert.equal(
      proxyFor(http1, { http_proxy: "http://ok:1", REQUEST_METHOD: "GET" })?.display,
      "http://ok:1",
    );
    assert.equal(proxyFor(https1, {}), undefined);
    assert.equal(proxyFor(https1, { HTTPS_PROXY: "  " }), undefined);
    assert.equal(proxyFor(https1, { HTTPS_PROXY: "p:1", NO_PROXY: "intuit.com" }), undefined);
    assert.equal(
      proxyFor(https1, { HTTPS_PROXY: "p:1", no_proxy: "other.example", NO_PROXY: "intuit.com" })?.display,
      "http://p:1",
    );
  });

  test("loopback targets never go through a proxy", () => {
    const env = { HTTPS_PROXY: "http://p:1", HTTP_PROXY: "http://p:1" };
    for (const hostname of ["localhost", "LOCALHOST", "app.localhost", "127.0.0.1", "127.9.8.7", "::1"])
      assert.equal(proxyFor({ protocol: "http:", hostname, port: "4010" }, env), undefined, hostname);
    assert.ok(proxyFor({ protocol: "http:", hostname: "128.0.0.1", port: "" }, env));
  });

  test("proxy URLs: credentials become Proxy-Authorization and never the display; bad ones are named, not echoed", () => {
    const p = parseProxyUrl("http://us%40er:p%3Ass@proxy.example:3128", "HTTPS_PROXY");
    assert.equal(p.display, "http://proxy.example:3128");
    assert.equal(p.authorization, `Basic ${Buffer.from("us@er:p:ss").toString("base64")}`);
    assert.deepEqual([p.hostname, p.port, p.problem], ["proxy.example", 3128, undefined]);
    assert.deepEqual(
      [parseProxyUrl("proxy:8080", "X").display, parseProxyUrl("http://[::1]", "X").port],
      ["http://proxy:8080", 80],
    );
    assert.equal(
      parseProxyUrl("socks5://user:secret@p:1080", "HTTPS_PROXY").problem,
      "HTTPS_PROXY uses socks5:; only http:// proxies are supported",
    );
    const bad = parseProxyUrl("http://user:secret@[bad", "HTTPS_PROXY");
    assert.equal(bad.problem, "HTTPS_PROXY is not a proxy URL");
    assert.equal(JSON.stringify(bad).includes("secret"), false);
  });

  const NO_PROXY_CASES: Array<[string, string, number, boolean]> = [
    ["*", "anything.example", 443, true],
    ["example.com", "example.com", 443, true],
    ["example.com", "api.example.com", 443, true],
    ["example.com", "notexample.com", 443, false],
    ["example.com", "example.com.evil", 443, false],
    [".example.com", "example.com", 443, true],
    ["*.example.com", "a.b.example.com", 443, true],
    ["EXAMPLE.com", "Example.COM", 443, true],
    ["example.com:8443", "example.com", 8443, true],
    ["example.com:8443", "example.com", 443, false],
    ["a.example, b.example", "b.example", 443, true],
    ["a.example b.example", "b.example", 443, true],
    ["10.0.0.0/8", "10.20.30.40", 443, true],
    ["10.0.0.0/8", "11.0.0.1", 443, false],
    ["10.0.0.0/8", "ten.example", 443, false],
    ["192.168.1.5", "192.168.1.5", 80, true],
    ["192.168.1.5", "192.168.1.50", 80, false],
    ["fd00::/8", "fd12::1", 443, true],
    ["2001:db8::1", "2001:db8::1", 443, true],
    ["[2001:db8::1]:8443", "2001:db8::1", 443, false],
    ["[2001:db8::1]:8443", "2001:db8::1", 8443, true],
    ["", "example.com", 443, false],
  ];
  test("NO_PROXY matching, as curl reads it (plus CIDR ranges)", () => {
    for (const [list, host, port, expected] of NO_PROXY_CASES)
      assert.equal(parseNoProxy(list)(host, port), expected, `${JSON.stringify(list)} vs ${host}:${port}`);
  });
});

describe("the node:http transport through a proxy", () => {
  let proxy: ConnectProxy;
  before(async () => {
    proxy = await startConnectProxy();
  });
  after(() => close(proxy.server));

  test("a proxy that refuses (407): NetworkError, not sent, no credentials in the message", async () => {
    proxy.mode = "refuse";
    process.env["HTTPS_PROXY"] = `http://alice:pw-s3cret@127.0.0.1:${proxy.port}`;
    const err = await send("https://oauth.intuit.test/oauth2/v1/tokens/bearer").then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof NetworkError);
    assert.equal(err.requestMayHaveBeenSent, false);
    assert.equal(err.systemCode, "EPROXYAUTH");
    assert.equal(
      err.message,
      `Network error (EPROXYAUTH): The proxy http://127.0.0.1:${proxy.port} refused the tunnel to oauth.intuit.test:443: HTTP 407 Proxy Authentication Required`,
    );
    assert.doesNotMatch(`${err.message} ${String(err.stack)}`, /alice|s3cret/);
    // The CONNECT carried the target's authority and the proxy's credentials, nothing of the request.
    assert.equal(
      proxy.heads.at(-1),
      "CONNECT oauth.intuit.test:443 HTTP/1.1\r\nHost: oauth.intuit.test:443\r\n" +
        `Proxy-Authorization: Basic ${Buffer.from("alice:pw-s3cret").toString("base64")}\r\n\r\n`,
    );
  });

  test(
    "a silent proxy: the request times out like any other, and the proxy connection is closed",
    { timeout: 10_000 },
    async () => {
      proxy.mode = "silent";
      process.env["HTTPS_PROXY"] = `127.0.0.1:${proxy.port}`;
      const head = proxy.nextHead();
      const err = await send("https://silent.intuit.test/", { timeoutMs: 300 }).then(
        () => assert.fail("resolved"),
        (e: unknown) => e,
      );
      assert.equal((err as Error).message, "timed out (test)");
      // Were the tunnel attempt to outlive its request, this would wait until the test's timeout.
      await (
        await head
      ).closed;
    },
  );

  test("the caller's abort stops a pending tunnel at once", { timeout: 10_000 }, async () => {
    proxy.mode = "silent";
    process.env["HTTPS_PROXY"] = `127.0.0.1:${proxy.port}`;
    const controller = new AbortController();
    const head = proxy.nextHead();
    const pending = send("https://abort.intuit.test/", { signal: controller.signal, timeoutMs: 60_000 });
    const { closed } = await head;
    const reason = new Error("caller gave up");
    controller.abort(reason);
    assert.equal(
      await pending.then(
        () => "resolved",
        (e: unknown) => e,
      ),
      reason,
    );
    await closed;
  });

  test("an unreachable proxy or an unsupported one: NetworkError naming the proxy, never its credentials", async () => {
    const spare = net.createServer();
    const closedPort = await listen(spare);
    await close(spare);
    process.env["HTTPS_PROXY"] = `http://bob:hunter2@127.0.0.1:${closedPort}`;
    const unreachable = await send("https://x.intuit.test/").then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(unreachable instanceof NetworkError);
    assert.equal(unreachable.requestMayHaveBeenSent, false);
    assert.equal(unreachable.systemCode, "ECONNREFUSED");
    assert.equal(
      unreachable.message,
      `Network error (ECONNREFUSED): Cannot reach the proxy http://127.0.0.1:${closedPort}: connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    process.env["HTTPS_PROXY"] = "socks5://bob:hunter2@127.0.0.1:1080";
    const unsupported = await send("https://x.intuit.test/").then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(unsupported instanceof NetworkError);
    assert.equal(unsupported.requestMayHaveBeenSent, false);
    assert.equal(
      unsupported.message,
      "Network error (EPROXYCONFIG): HTTPS_PROXY uses socks5:; only http:// proxies are supported",
    );
    for (const e of [unreachable, unsupported]) assert.doesNotMatch(e.message, /bob|hunter2/);
  });

  test("HTTP_PROXY: an http target goes to the proxy as an absolute-form request", async () => {
    const seenByTarget: http.IncomingHttpHeaders[] = [];
    const target = http.createServer((req, res) => {
      seenByTarget.push(req.headers);
      res.end(`target saw ${req.url}`);
    });
    const targetPort = await listen(target);
    const seenByProxy: Array<{ url: string | undefined; headers: http.IncomingHttpHeaders }> = [];
    const forward = http.createServer((req, res) => {
      seenByProxy.push({ url: req.url, headers: req.headers });
      const { "proxy-authorization": _drop, ...headers } = req.headers;
      const path = new URL(req.url ?? "/").pathname;
      http
        .request({ host: "127.0.0.1", port: targetPort, path, method: req.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        })
        .end();
    });
    const forwardPort = await listen(forward);
    try {
      process.env["HTTP_PROXY"] = `http://carol:pw@127.0.0.1:${forwardPort}`;
      const res = await send(`http://api.intuit.test:${targetPort}/v3/company/1/companyinfo/1`);
      assert.equal(res.status, 200);
      assert.equal(res.body.toString(), "target saw /v3/company/1/companyinfo/1");
      assert.equal(seenByProxy[0]?.url, `http://api.intuit.test:${targetPort}/v3/company/1/companyinfo/1`);
      assert.equal(seenByProxy[0]?.headers["host"], `api.intuit.test:${targetPort}`);
      assert.equal(
        seenByProxy[0]?.headers["proxy-authorization"],
        `Basic ${Buffer.from("carol:pw").toString("base64")}`,
      );
      assert.equal(seenByTarget[0]?.["proxy-authorization"], undefined);

      // NO_PROXY: straight to the target (127.0.0.1 by address, which the loopback rule lets through too).
      process.env["NO_PROXY"] = "api.intuit.test";
      const direct = await send(`http://127.0.0.1:${targetPort}/direct`);
      assert.equal(direct.body.toString(), "target saw /direct");
      assert.equal(seenByProxy.length, 1);
    } finally {
      await close(target);
      await close(forward);
    }
  });
});

describe("HTTPS_PROXY end to end (child process, CONNECT tunnel, TLS to a loopback server)", () => {
  let tlsFiles: SelfSigned;
  let proxy: ConnectProxy;
  let target: https.Server;
  let targetPort: number;
  const seenByTarget: Array<{ url: string | undefined; headers: http.IncomingHttpHeaders }> = [];

  before(async () => {
    tlsFiles = selfSigned("/CN=intuit.test", "DNS:intuit.test,DNS:api.intuit.test");
    target = https.createServer({ key: tlsFiles.key, cert: tlsFiles.cert }, (req, res) => {
      seenByTarget.push({ url: req.url, headers: req.headers });
      res.end(`tls target: ${req.url}`);
    });
    targetPort = await listen(target);
    proxy = await startConnectProxy();
  });
  after(async () => {
    await close(target);
    await close(proxy.server);
    tlsFiles.remove();
  });

  /** Runs proxy-client.ts with the given proxy variables; resolves with its JSON results. */
  function child(env: Record<string, string>, urls: string[], clients = 1): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const p = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "proxy-client.ts"), String(clients), ...urls],
        {
          env: { PATH: process.env["PATH"] ?? "", NODE_EXTRA_CA_CERTS: tlsFiles.certPath, ...env },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let out = "";
      let err = "";
      p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
      p.on("close", (code) =>
        code === 0
          ? resolve(JSON.parse(out) as unknown[])
          : reject(new Error(`child exited ${code}: ${err}`)),
      );
    });
  }

  test("two requests, one tunnel; the proxy sees only the authority and its own credentials", async () => {
    proxy.mode = "open";
    const before = { tunnels: proxy.tunnels, heads: proxy.heads.length, target: seenByTarget.length };
    const base = `https://intuit.test:${targetPort}`;
    const results = await child({ HTTPS_PROXY: `http://dave:p%40ss@127.0.0.1:${proxy.port}` }, [
      `${base}/one`,
      `${base}/two`,
    ]);
    assert.deepEqual(results, [
      { status: 200, body: "tls target: /one" },
      { status: 200, body: "tls target: /two" },
    ]);
    assert.equal(proxy.tunnels - before.tunnels, 1, "keep-alive reuses the tunnel");
    assert.deepEqual(proxy.heads.slice(before.heads), [
      `CONNECT intuit.test:${targetPort} HTTP/1.1\r\nHost: intuit.test:${targetPort}\r\n` +
        `Proxy-Authorization: Basic ${Buffer.from("dave:p@ss").toString("base64")}\r\n\r\n`,
    ]);
    const reached = seenByTarget.slice(before.target);
    assert.deepEqual(
      reached.map((r) => [
        r.url,
        r.headers["authorization"],
        r.headers["proxy-authorization"],
        r.headers["host"],
      ]),
      [
        ["/one", "Bearer SECRET-ACCESS-TOKEN", undefined, `intuit.test:${targetPort}`],
        ["/two", "Bearer SECRET-ACCESS-TOKEN", undefined, `intuit.test:${targetPort}`],
      ],
    );
  });

  test("each HttpClient owns its tunnels: two clients, two requests each → two tunnels", async () => {
    proxy.mode = "open";
    const before = { tunnels: proxy.tunnels, heads: proxy.heads.length };
    const base = `https://intuit.test:${targetPort}`;
    const results = await child(
      { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` },
      [`${base}/a`, `${base}/b`],
      2,
    );
    assert.deepEqual(
      results.map((r) => (r as { body: string }).body),
      ["tls target: /a", "tls target: /b", "tls target: /a", "tls target: /b"],
    );
    assert.equal(
      proxy.tunnels - before.tunnels,
      2,
      "one tunnel per client, reused for its own second request",
    );
    assert.equal(proxy.heads.length - before.heads, 2);
  });

  test("NO_PROXY bypass: a listed host goes direct (no tunnel), others still through the proxy", async () => {
    proxy.mode = "open";
    const before = { tunnels: proxy.tunnels, target: seenByTarget.length };
    const results = await child(
      { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: "localhost,api.intuit.test" },
      [`https://api.intuit.test:${targetPort}/direct`, `https://intuit.test:${targetPort}/tunneled`],
    );
    assert.deepEqual(results, [
      { status: 200, body: "tls target: /direct" },
      { status: 200, body: "tls target: /tunneled" },
    ]);
    assert.equal(proxy.tunnels - before.tunnels, 1, "only intuit.test went through the proxy");
    assert.deepEqual(
      seenByTarget.slice(before.target).map((r) => r.url),
      ["/direct", "/tunneled"],
    );
  });

  test("without the variables, nothing goes through the proxy", async () => {
    const before = proxy.heads.length;
    const results = await child({}, [`https://intuit.test:${targetPort}/plain`]);
    assert.deepEqual(results, [{ status: 200, body: "tls target: /plain" }]);
    assert.equal(proxy.heads.length, before);
  });
});
