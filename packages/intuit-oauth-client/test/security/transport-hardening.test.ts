// Security review findings 2 and 8: a bad header value is a typed rejection that leaves no timer
// behind (it used to crash the process), and the fetch transport stops reading at maxBodyBytes.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import {
  AuthClient,
  AuthClientError,
  ConfigurationError,
  IntuitOAuthError,
  NetworkError,
} from "../../src/index.js";
import { TRANSPORTS, rejection, startFakeIntuit, type FakeIntuit } from "../support/fake-intuit.js";
import { selfSigned, type SelfSigned } from "../support/self-signed.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());

/** Fails the test if anything reaches 'uncaughtException' while `fn` runs and `settleMs` after. */
async function noUncaught(fn: () => Promise<void>, settleMs: number): Promise<void> {
  const seen: unknown[] = [];
  const listener = (err: unknown) => seen.push(err);
  process.on("uncaughtException", listener);
  try {
    await fn();
    await delay(settleMs);
  } finally {
    process.off("uncaughtException", listener);
  }
  assert.deepEqual(seen.map(String), []);
}

describe("finding 2: invalid header values", () => {
  test("a userAgent with CR/LF is refused at construction, naming the option, not the value", () => {
    assert.throws(
      () => new AuthClient(server.clientOptions({ userAgent: "app\r\nX-Injected: 1" })),
      (err: unknown) =>
        err instanceof ConfigurationError && /userAgent/.test(err.message) && !/Injected/.test(err.message),
    );
  });

  for (const { name, options } of TRANSPORTS) {
    test(`a token containing CR/LF is a typed rejection over ${name}, and no timer fires later`, async () => {
      const c = new AuthClient(server.clientOptions({ ...options, timeoutMs: 30 }));
      const secret = "tok\r\nX-Injected: yes";
      await noUncaught(async () => {
        const err = await rejection(c.getUserInfo(secret));
        assert.ok(err instanceof ConfigurationError, String(err));
        assert.match((err as Error).message, /authorization/i);
        assert.ok(!String((err as Error).message).includes("Injected"));
      }, 120);
    });

    test(`a NUL in an access token is a typed rejection over ${name}`, async () => {
      const c = new AuthClient(server.clientOptions({ ...options, timeoutMs: 30 }));
      // A form body encodes it safely, so the request goes out and the server answers.
      const err = await rejection(c.getUserInfo("a\u0000b"));
      assert.ok(err instanceof IntuitOAuthError, String(err));
    });
  }
});

describe("finding 8: the fetch transport enforces maxBodyBytes while it reads", () => {
  let big: Server;
  let url: string;
  let written = 0;
  before(async () => {
    big = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => undefined);
      pump();
    });
    await new Promise<void>((r) => big.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(big.address() as AddressInfo).port}/jwks`;
  });
  after(() => new Promise<void>((r) => big.close(() => r())));

  for (const { name, options } of TRANSPORTS)
    test(`an endless body is cut at the limit over ${name}: a NetworkError, and the server stops well short of 256 MiB`, async () => {
      written = 0;
      const c = new AuthClient(
        server.clientOptions({
          ...options,
          maxBodyBytes: 1024 * 1024,
          environment: { ...server.endpoints(), userinfoEndpoint: url },
        }),
      );
      const err = await rejection(c.getUserInfo("token"));
      assert.ok(err instanceof NetworkError, String(err));
      assert.match((err as Error).message, /larger than 1048576 bytes/);
      await delay(50);
      assert.ok(written < 32 * 1024 * 1024, `server wrote ${written} bytes before the client stopped`);
    });
});

describe("what the review confirmed, kept under test: no redirects, verified TLS", () => {
  for (const { name, options } of TRANSPORTS) {
    test(`a redirect from the token endpoint is not followed over ${name}`, async () => {
      server.on("/token", () => ({
        status: 302,
        headers: { location: `${server.url}/elsewhere` },
        body: "",
      }));
      server.requests.length = 0;
      const err = await rejection(new AuthClient(server.clientOptions(options)).refresh("RT1-x"));
      assert.ok(err instanceof AuthClientError, String(err));
      assert.equal(err.statusCode, 302);
      assert.equal(server.requestsTo("/elsewhere").length, 0);
      server.on("/token", () => ({ body: {} }));
    });
  }

  let tlsFiles: SelfSigned;
  let tls: ReturnType<typeof createTlsServer>;
  let tlsUrl: string;
  let reached = 0;
  before(async () => {
    tlsFiles = selfSigned("/CN=127.0.0.1", "IP:127.0.0.1");
    tls = createTlsServer({ key: tlsFiles.key, cert: tlsFiles.cert }, (_req, res) => {
      reached++;
      res.end("{}");
    });
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    tlsUrl = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => tls.close(() => r()));
    tlsFiles.remove();
  });

  for (const { name, options } of TRANSPORTS) {
    test(`a self-signed certificate is refused over ${name}; nothing reaches the server`, async () => {
      const c = new AuthClient(
        server.clientOptions({
          ...options,
          retry: false,
          environment: { ...server.endpoints(), userinfoEndpoint: `${tlsUrl}/userinfo` },
        }),
      );
      const err = await rejection(c.getUserInfo("token"));
      assert.ok(err instanceof NetworkError, String(err));
      assert.equal(reached, 0);
    });
  }
});
