// The built package (dist/, made by `npm run build` before `npm test`) loads with `import` and
// with `require` through its own `exports` map, and works the same way in both.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const root = fileURLToPath(new URL("../../packages/intuit-oauth-client/", import.meta.url));

const body = (load: string) => `
${load}
const client = new m.AuthClient({
  clientId: "id", clientSecret: "secret", redirectUri: "https://app.example.com/cb", environment: "sandbox",
});
const url = client.getAuthorizationUrl([m.Scopes.Accounting], { state: "s" });
const err = new m.AuthClientError({ statusCode: 400, content: '{"error":"invalid_grant"}', headers: {} });
console.log(JSON.stringify({
  resolved,
  AuthClient: typeof m.AuthClient,
  accounting: m.Scopes.Accounting,
  errorCode: m.AuthClientError.code,
  instanceCode: err.code,
  message: err.message,
  version: m.VERSION,
  url,
  stateToken: client.stateToken,
}));
`;

const ESM = body(`const m = await import("intuit-oauth-client");
const resolved = import.meta.resolve("intuit-oauth-client");`);
const CJS = body(`const m = require("intuit-oauth-client");
const resolved = require.resolve("intuit-oauth-client");`);

function run(args: string[]): Record<string, string> {
  const out = execFileSync(process.execPath, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  return JSON.parse(out) as Record<string, string>;
}

const expected = {
  AuthClient: "function",
  accounting: "com.intuit.quickbooks.accounting",
  errorCode: "ERR_AUTH_CLIENT",
  instanceCode: "ERR_AUTH_CLIENT",
  message: 'HTTP status 400, error message: {"error":"invalid_grant"}, intuit_tid None at time None',
  url:
    "https://appcenter.intuit.com/connect/oauth2?client_id=id&response_type=code&scope=com.intuit.quickbooks.accounting" +
    "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&state=s",
  stateToken: "s",
};

test("dist/ exists (npm test runs npm run build first)", () => {
  assert.ok(
    existsSync(`${root}/dist/index.js`) && existsSync(`${root}/dist/index.cjs`),
    "run `npm run build` first",
  );
});

test("import('intuit-oauth-client') loads dist/index.js and works", () => {
  const r = run(["--input-type=module", "-e", ESM]);
  assert.match(r["resolved"]!, /\/dist\/index\.js$/);
  const { resolved: _r, version, ...rest } = r;
  assert.deepEqual(rest, expected);
  assert.match(version!, /^\d+\.\d+\.\d+/);
});

test("require('intuit-oauth-client') loads dist/index.cjs and works", () => {
  const r = run(["--input-type=commonjs", "-e", CJS]);
  assert.match(r["resolved"]!, /\/dist\/index\.cjs$/);
  const { resolved: _r, version, ...rest } = r;
  assert.deepEqual(rest, expected);
  assert.match(version!, /^\d+\.\d+\.\d+/);
});
