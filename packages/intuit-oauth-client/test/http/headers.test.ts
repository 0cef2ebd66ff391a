// What every request carries: User-Agent with the package version and Accept: application/json
// (discovery and JWKS included), and intuit_tid captured on successes and failures.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, beforeEach, describe, test } from "node:test";
import { AuthClient, AuthClientError, VERSION } from "../../src/index.js";
import {
  DEFAULT_SUB,
  TRANSPORTS,
  rejection,
  startFakeIntuit,
  tokenBody,
  type FakeIntuit,
} from "../support/fake-intuit.js";

let server: FakeIntuit;
before(async () => {
  server = await startFakeIntuit();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

test("VERSION equals package.json's version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  assert.equal(VERSION, pkg.version);
});

for (const { name, options } of TRANSPORTS) {
  describe(`headers over ${name}`, () => {
    test("every request (discovery, token, JWKS, userinfo, revoke, migrate) sends the library User-Agent and Accept", async () => {
      server.on("/token", async () => ({ body: tokenBody({ id_token: await server.signIdToken() }) }));
      server.on("/userinfo", () => ({ body: { sub: DEFAULT_SUB } }));
      const client = await AuthClient.create({
        ...server.clientOptions({ ...options, singleUser: true }),
        environment: `${server.url}/.well-known/openid-configuration`,
        userAgent: "my-app/2.0",
      });
      await client.getBearerToken("code");
      await client.refresh();
      await client.getUserInfo();
      await client.revoke();
      await client.migrate({
        consumerKey: "k",
        consumerSecret: "s",
        accessToken: "t",
        accessSecret: "u",
        scopes: ["openid"],
      });
      assert.deepEqual(
        server.requests.map((r) => r.path),
        [
          "/.well-known/openid-configuration",
          "/token",
          "/jwks",
          "/token",
          "/userinfo",
          "/revoke",
          "/migrate",
        ],
      );
      const ua = new RegExp(
        `^intuit-oauth-client/${VERSION.replace(/\./g, "\\.")} \\(Node\\.js v\\d+\\.\\d+\\.\\d+; [a-z0-9]+ [a-z0-9]+\\) my-app/2\\.0$`,
      );
      for (const r of server.requests) {
        assert.match(String(r.headers["user-agent"]), ua, r.path);
        assert.equal(r.headers["accept"], "application/json", r.path);
      }
    });

    test("intuit_tid is captured on a success and on a failure", async () => {
      server.on("/token", () => ({ headers: { intuit_tid: "tid-success" }, body: tokenBody() }));
      const client = new AuthClient(server.clientOptions({ ...options, singleUser: true }));
      const token = await client.getBearerToken("code");
      assert.equal(token.intuitTid, "tid-success");
      server.on("/token", () => ({
        status: 400,
        headers: { intuit_tid: "tid-failure" },
        body: '{"error":"invalid_grant"}',
      }));
      const err = await rejection(client.refresh());
      assert.ok(err instanceof AuthClientError);
      assert.equal(err.intuitTid, "tid-failure");
      assert.equal(err.intuit_tid, "tid-failure");
    });
  });
}
