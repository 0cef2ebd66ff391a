// Installs the library's packed tarball into a scratch project (as a user would) and uses it from ESM,
// CJS and TypeScript (node16 and classic resolution), checks that one module graph serves every
// subpath (instanceof holds across them, under import and require), and that the README's docs links
// point at files of the repository; then installs the three tarballs together and runs both bins.
// Needs every package's dist/ (npm test builds them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(import.meta.dirname, "..", "..");
const root = join(repo, "packages", "intuit-oauth-client");
const emulatorRoot = join(repo, "packages", "intuit-oauth-client-emulator");
const cliRoot = join(repo, "packages", "intuit-oauth-client-cli");
const built =
  existsSync(join(root, "dist", "index.js")) &&
  existsSync(join(emulatorRoot, "dist", "bin.js")) &&
  existsSync(join(cliRoot, "dist", "cli.js"));

// --ignore-scripts: dist/ is built already, and prepack's rebuild would empty it under the tests running beside this one.
function pack(cwd: string, into: string): string {
  const name = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", into], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return join(into, name.trim().split("\n").pop()!);
}

test(
  "the packed library works for ESM, CJS and TypeScript, with one module graph; the bins run",
  { skip: !built && "dist/ is missing: run `npm run build`", timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "intuit-packed-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const tarball = pack(root, dir);
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" });
    assert.doesNotMatch(
      listing,
      /emulator|cli\.js|bin\.js/,
      "the library's tarball holds no emulator or CLI file",
    );
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "scratch", version: "1.0.0", private: true }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", tarball], {
      cwd: app,
      stdio: ["ignore", "pipe", "inherit"],
    });
    assert.deepEqual(
      readdirSync(join(app, "node_modules")).filter((n) => !n.startsWith(".")),
      ["intuit-oauth-client"],
      "zero runtime dependencies",
    );

    // `intuit-oauth-client/undici` needs its optional peer: installed now, as a user who wants it would.
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "undici@7"], {
      cwd: app,
      stdio: ["ignore", "pipe", "inherit"],
    });

    // The README is what npm shows: its docs links point at the repository, at files that exist.
    const installed = join(app, "node_modules", "intuit-oauth-client");
    const readme = readFileSync(join(installed, "README.md"), "utf8");
    const base = "https://github.com/intuit-oauth-client/intuit-oauth-client/blob/main/";
    const docLinks = [...readme.matchAll(/\]\((https:[^)#\s]+\/docs\/[^)#\s]+)(?:#[^)]*)?\)/g)].map(
      (m) => m[1]!,
    );
    assert.ok(docLinks.length >= 5, `README links to docs/: ${docLinks.join(", ")}`);
    const missing = docLinks.filter(
      (link) => !link.startsWith(base) || !existsSync(join(repo, link.slice(base.length))),
    );
    assert.deepEqual(missing, [], "README links to docs the repository does not have");
    assert.doesNotMatch(readme, /\]\((?!https?:|#)[^)]*\)/, "relative links break on npm");
    assert.match(
      readFileSync(join(installed, "LICENSE"), "utf8"),
      /Apache License\s+Version 2\.0, January 2004/,
    );

    const check = `
    const url = new m.AuthClient({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox" })
      .getAuthorizationUrl([m.Scopes.Accounting]);
    if (!url.startsWith("https://appcenter.intuit.com/connect/oauth2?client_id=id&response_type=code")) throw new Error(url);
    if (typeof m.AuthClientError !== "function" || typeof m.TokenManager !== "function") throw new Error("exports");
    // One module graph: a class is the same object on every subpath, so instanceof holds across them.
    for (const name of ["AuthClientError", "ConfigurationError", "IntuitOAuthError", "Scopes", "TokenSetFormatError", "IdTokenError"])
      if (protocol[name] !== m[name]) throw new Error("two copies of " + name);
    for (const [face, make] of [["redis", () => new redis.RedisTokenStore({})], ["postgres", () => new pg.PostgresTokenStore({})]]) {
      let thrown;
      try { make(); } catch (e) { thrown = e; }
      if (!(thrown instanceof m.ConfigurationError) || !(thrown instanceof m.IntuitOAuthError) || !m.isIntuitOAuthError(thrown)) throw new Error(face + ": not the root's ConfigurationError");
      if (thrown.name !== "ConfigurationError" || thrown.code !== "ERR_CONFIGURATION") throw new Error(face + ": " + thrown.name + " " + thrown.code);
    }
    if (typeof pg.PostgresTokenStore !== "function") throw new Error("pg");
    const kitStore = new m.MemoryTokenStore();
    if (typeof kit.copyRecord !== "function" || typeof kit.SharedApiLimits !== "function" || typeof kit.recordCodec !== "function") throw new Error("store-kit exports");
    if (typeof testing.storeConformance !== "function") throw new Error("store-kit/testing exports");
    if (!Array.isArray(qb.ENTITY_NAMES) || typeof qb.MAX_BATCH_SIZE !== "number") throw new Error("quickbooks exports");
    if (!(kitStore instanceof m.MemoryTokenStore)) throw new Error("store");
    if (typeof redis.RedisTokenStore !== "function" || typeof pg.PostgresTokenStore !== "function") throw new Error("store exports");
    const config = protocol.createOAuthConfig({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox" });
    const request = protocol.createAuthorizationRequest(config, [protocol.Scopes.Accounting]);
    if (!request.url.startsWith("https://appcenter.intuit.com/connect/oauth2?client_id=id&response_type=code")) throw new Error(request.url);
    if (typeof protocol.exchangeCallback !== "function" || typeof protocol.verifyClientIdToken !== "function") throw new Error("protocol exports");
    const transport = undici.createUndiciTransport();
    new m.AuthClient({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox", transport });
    console.log("ok");`;
    const esm = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import * as m from "intuit-oauth-client"; import * as kit from "intuit-oauth-client/store-kit"; import * as testing from "intuit-oauth-client/store-kit/testing"; import * as qb from "intuit-oauth-client/quickbooks"; import * as redis from "intuit-oauth-client/redis"; import * as pg from "intuit-oauth-client/postgres"; import * as protocol from "intuit-oauth-client/protocol"; import * as undici from "intuit-oauth-client/undici"; ${check}`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    assert.equal(esm.trim(), "ok");
    const cjs = execFileSync(
      process.execPath,
      [
        "-e",
        `const m = require("intuit-oauth-client"); const kit = require("intuit-oauth-client/store-kit"); const testing = require("intuit-oauth-client/store-kit/testing"); const qb = require("intuit-oauth-client/quickbooks"); const redis = require("intuit-oauth-client/redis"); const pg = require("intuit-oauth-client/postgres"); const protocol = require("intuit-oauth-client/protocol"); const undici = require("intuit-oauth-client/undici"); ${check}`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    assert.equal(cjs.trim(), "ok");

    // TypeScript consumers under node16 resolution, as an ES module and as CommonJS.
    const source = `import { AuthClient, Scopes, AuthClientError, type TokenSet } from "intuit-oauth-client";
import { createOAuthConfig, exchangeCallback, type GrantResult, type ValidatedCallback } from "intuit-oauth-client/protocol";
const c = new AuthClient({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox" });
const url: string = c.getAuthorizationUrl([Scopes.Accounting, "openid"]);
const f = (t: TokenSet): number => t.accessTokenExpiresAt;
const e: typeof AuthClientError = AuthClientError;
const config = createOAuthConfig({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox" });
const x = (p: ValidatedCallback): Promise<GrantResult> => exchangeCallback(config, p);
export { url, f, e, x };
`;
    writeFileSync(join(app, "esm.mts"), source);
    writeFileSync(join(app, "cjs.cts"), source);
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [join(repo, "node_modules", "@types")],
        },
        files: ["esm.mts", "cjs.cts"],
      }),
    );
    execFileSync(process.execPath, [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", app], {
      cwd: app,
      stdio: ["ignore", "inherit", "inherit"],
    });

    // TypeScript's classic `moduleResolution: node` (CommonJS projects' default) finds every
    // subpath's types too, through typesVersions.
    writeFileSync(
      join(app, "classic.ts"),
      `import { AuthClient } from "intuit-oauth-client";
import { copyRecord } from "intuit-oauth-client/store-kit";
import { ENTITY_NAMES } from "intuit-oauth-client/quickbooks";
import { RedisTokenStore } from "intuit-oauth-client/redis";
import { PostgresTokenStore } from "intuit-oauth-client/postgres";
import { storeConformance } from "intuit-oauth-client/store-kit/testing";
import { exchangeCode } from "intuit-oauth-client/protocol";
import { createUndiciTransport, type UndiciTransport } from "intuit-oauth-client/undici";
const t: UndiciTransport = createUndiciTransport();
export { AuthClient, copyRecord, ENTITY_NAMES, RedisTokenStore, PostgresTokenStore, storeConformance, exchangeCode, t };
`,
    );
    writeFileSync(
      join(app, "tsconfig.classic.json"),
      JSON.stringify({
        compilerOptions: {
          module: "commonjs",
          moduleResolution: "node",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [join(repo, "node_modules", "@types")],
        },
        files: ["classic.ts"],
      }),
    );
    execFileSync(
      process.execPath,
      [join(repo, "node_modules", "typescript", "bin", "tsc"), "-p", join(app, "tsconfig.classic.json")],
      { cwd: app, stdio: ["ignore", "inherit", "inherit"] },
    );

    // Runtimes without Node's built-ins (workerd, Deno, edge runtimes) resolve the portable build:
    // no node: import, no require, no Buffer; the Node-only file store is absent there.
    const edge = execFileSync(
      process.execPath,
      [
        "--conditions=workerd",
        "--input-type=module",
        "-e",
        `import * as m from "intuit-oauth-client"; import { fileURLToPath } from "node:url"; console.log(typeof m.AuthClient, typeof m.FileTokenStore, fileURLToPath(import.meta.resolve("intuit-oauth-client")));`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    const [authType, fileType, resolved] = edge.trim().split(" ");
    assert.deepEqual([authType, fileType], ["function", "undefined"]);
    assert.match(resolved!, /dist\/edge\/index\.js$/);
    const portable = readFileSync(resolved!, "utf8");
    assert.doesNotMatch(portable, /\bfrom\s*["']node:|\brequire\(|\bimport\(\s*["']node:/);
    assert.doesNotMatch(portable, /\bBuffer\./);
    // The protocol subpath has its portable build too.
    const edgeProtocol = execFileSync(
      process.execPath,
      [
        "--conditions=workerd",
        "--input-type=module",
        "-e",
        `import * as p from "intuit-oauth-client/protocol"; import { fileURLToPath } from "node:url"; console.log(typeof p.exchangeCallback, fileURLToPath(import.meta.resolve("intuit-oauth-client/protocol")));`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    const [exchangeType, protocolFile] = edgeProtocol.trim().split(" ");
    assert.equal(exchangeType, "function");
    assert.match(protocolFile!, /dist\/edge\/protocol\.js$/);
    const portableProtocol = readFileSync(protocolFile!, "utf8");
    assert.doesNotMatch(portableProtocol, /\bfrom\s*["']node:|\brequire\(|\bimport\(\s*["']node:/);
    assert.doesNotMatch(portableProtocol, /\bBuffer\./);

    // The dev tools: the three tarballs together; each bin is named after its package.
    const tools = join(dir, "tools");
    execFileSync("mkdir", ["-p", tools]);
    writeFileSync(
      join(tools, "package.json"),
      JSON.stringify({ name: "tools", version: "1.0.0", private: true }),
    );
    const tarballs = [tarball, pack(emulatorRoot, dir), pack(cliRoot, dir)];
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", ...tarballs], {
      cwd: tools,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const help = execFileSync(join(tools, "node_modules", ".bin", "intuit-oauth-client-cli"), ["--help"], {
      cwd: tools,
      encoding: "utf8",
    });
    assert.match(help, /intuit-oauth-client-cli/);
    assert.match(help, /login/);
    const emuHelp = execFileSync(
      join(tools, "node_modules", ".bin", "intuit-oauth-client-emulator"),
      ["--help"],
      {
        cwd: tools,
        encoding: "utf8",
      },
    );
    assert.match(emuHelp, /Usage: intuit-oauth-client-emulator/);
  },
);
