// Secrets never leak: the client secret, codes and tokens must not appear in logs, error
// messages, stacks, JSON.stringify or util.inspect of errors and of the client.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, AuthClientError, type LoggerLike } from "../../src/index.js";
import {
  TRANSPORTS,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
  type Reply,
} from "../support/fake-intuit.js";

const SECRET = "CSECRETzq81xv";
const CODE = "CODESECRET77ab";
const AT = "ATSECRET4410qq";
const RT = "RTSECRET9931ww";
const OLD_RT = "RTOLDSECRET5522";
const ALL = [SECRET, CODE, AT, RT, OLD_RT, Buffer.from(`x:${SECRET}`).toString("base64").slice(4)];

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function capturingLogger(): { logger: LoggerLike; lines: unknown[][] } {
  const lines: unknown[][] = [];
  const logger = {
    debug: (...args: unknown[]) => lines.push(["debug", ...args]),
    info: (...args: unknown[]) => lines.push(["info", ...args]),
    warn: (...args: unknown[]) => lines.push(["warn", ...args]),
    error: (...args: unknown[]) => lines.push(["error", ...args]),
  };
  return { logger, lines };
}

function assertClean(what: string, text: string): void {
  for (const s of ALL) assert.equal(text.includes(s), false, `${what} contains a secret (${s}):\n${text}`);
}

function assertErrorClean(err: unknown): void {
  assert.ok(err instanceof Error, `expected an error, got ${String(err)}`);
  assertClean("message", err.message);
  assertClean("stack", String(err.stack));
  assertClean("JSON.stringify", JSON.stringify(err));
  assertClean("util.inspect", inspect(err, { depth: 10 }));
  assertClean("util.inspect showHidden", inspect(err, { depth: 10, showHidden: true }));
  assertClean("String", String(err));
}

const failures: Array<[string, Reply]> = [
  ["a 200 truncated token body", { body: `{"access_token":"${AT}","refresh_token":"${RT}","expires_in":36` }],
  [
    "a 200 truncated inside the token",
    { body: `{"refresh_token":"${RT}","access_token":"${AT.slice(0, 20)}` },
  ],
  [
    "a 200 with a wrong-typed field",
    { body: `{"access_token":"${AT}","refresh_token":"${RT}","expires_in":"soon"}` },
  ],
  [
    "a 200 with an error member",
    { body: `{"error":"invalid_grant","access_token":"${AT}","refresh_token":"${RT}"}` },
  ],
  ["a 200 JSON array of tokens", { body: `[{"access_token":"${AT}","refresh_token":"${RT}"}]` }],
  ["a 200 form-encoded body", { body: `access_token=${AT}&refresh_token=${RT}&expires_in=3600` }],
  ["a 200 with escaped quotes", { body: `{"access_token" : "${AT}\\"x","refresh_token": 5}` }],
  [
    "a 400 echoing the request form",
    { status: 400, body: `grant_type=authorization_code&code=${CODE}&refresh_token=${OLD_RT}` },
  ],
  [
    "a 400 echoing JSON",
    {
      status: 400,
      body: `{"error":"invalid_grant","code":"${CODE}","refresh_token":"${OLD_RT}","client_secret":"${SECRET}"}`,
    },
  ],
  [
    "a 401 echoing the Basic header",
    { status: 401, body: `invalid client Basic ${Buffer.from(`x:${SECRET}`).toString("base64")}` },
  ],
  ["a 500 HTML page", { status: 500, body: "<html>oops</html>" }],
];

for (const { name, options } of TRANSPORTS) {
  describe(`secrets over ${name}`, () => {
    for (const [what, reply] of failures) {
      test(`${what}: nothing leaks from the error, the client or the logs`, async () => {
        const { logger, lines } = capturingLogger();
        server.on("/token", () => reply);
        const client = new AuthClient(
          server.clientOptions({
            ...options,
            clientSecret: SECRET,
            logger,
            retry: false,
            refreshToken: OLD_RT,
          }),
        );
        const exchange = await rejection(client.getBearerToken(CODE));
        const refresh = await rejection(client.refresh());
        for (const err of [exchange, refresh]) {
          assert.ok(err instanceof AuthClientError, String(err));
          assertErrorClean(err);
          assertClean("content", err.content);
        }
        assertClean("inspect(client)", inspect(client, { depth: 10 }));
        assertClean("JSON.stringify(client)", JSON.stringify(client));
        assert.ok(lines.length >= 2, "the logger received the requests");
        assertClean("logs", inspect(lines, { depth: 10 }));
      });
    }

    test("a successful exchange, refresh, userinfo and revoke leak nothing", async () => {
      const { logger, lines } = capturingLogger();
      server.on("/token", () => ({ body: tokenBody({ access_token: AT, refresh_token: RT }) }));
      server.on("/userinfo", () => ({ body: { sub: "u" } }));
      server.on("/revoke", () => ({ body: "" }));
      const client = new AuthClient(
        server.clientOptions({ ...options, clientSecret: SECRET, logger, singleUser: true }),
      );
      await client.getBearerToken(CODE);
      await client.refresh();
      assert.equal(client.accessToken, AT);
      assertClean("inspect(client)", inspect(client, { depth: 10 }));
      assertClean("inspect(client) showHidden", inspect(client, { depth: 10, showHidden: true }));
      assertClean("JSON.stringify(client)", JSON.stringify(client));
      assertClean("String(client)", `${String(client.toJSON())}`);
      await client.getUserInfo();
      await client.revoke();
      assert.deepEqual(
        lines.map((l) => [l[0], (l[1] as { url: string }).url, (l[1] as { status: number }).status]),
        [
          ["debug", `${server.url}/token`, 200],
          ["debug", `${server.url}/token`, 200],
          ["debug", `${server.url}/userinfo`, 200],
          ["debug", `${server.url}/revoke`, 200],
        ],
      );
      assertClean("logs", inspect(lines, { depth: 10 }));
    });

    test("timeouts, aborts and network errors leak nothing", async () => {
      const { logger, lines } = capturingLogger();
      server.on("/token", () => ({ hang: true }));
      const client = new AuthClient(
        server.clientOptions({
          ...options,
          clientSecret: SECRET,
          logger,
          timeoutMs: 100,
          retry: false,
          refreshToken: OLD_RT,
        }),
      );
      assertErrorClean(await rejection(client.getBearerToken(CODE)));
      assertErrorClean(await rejection(client.refresh(undefined, { signal: AbortSignal.timeout(50) })));
      const refused = new AuthClient({
        ...server.clientOptions({ ...options, clientSecret: SECRET, logger, retry: false }),
        environment: { ...server.endpoints(), tokenEndpoint: "http://127.0.0.1:1/token" },
      });
      assertErrorClean(await rejection(refused.getBearerToken(CODE)));
      assertClean("logs", inspect(lines, { depth: 10 }));
    });
  });
}
