// Installs the packed tarball into a scratch project (as a user would) and uses it from ESM, CJS,
// TypeScript (node16 resolution, both module kinds) and the `intuit-oauth` bin, and checks that the README's
// docs/ links resolve inside the installed package. Needs dist/ (npm test builds it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..", "..");
const built = existsSync(join(root, "dist", "index.js")) && existsSync(join(root, "dist", "cli.js"));

test(
  "the packed tarball works for ESM, CJS, TypeScript and the bin",
  { skip: !built && "dist/ is missing: run `npm run build`", timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "intuit-packed-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert.ok(tarball, "npm pack produced a tarball");
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "scratch", version: "1.0.0", private: true }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(dir, tarball)], {
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

    // The README is what npm shows: its relative docs/ links must land on files the package ships.
    const installed = join(app, "node_modules", "intuit-oauth-client");
    const readme = readFileSync(join(installed, "README.md"), "utf8");
    const docLinks = [...readme.matchAll(/\]\((docs\/[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    assert.ok(docLinks.length >= 5, `README links to docs/: ${docLinks.join(", ")}`);
    const missing = docLinks.filter((link) => !existsSync(join(installed, link)));
    assert.deepEqual(missing, [], "README links to docs the package does not ship");
    assert.match(
      readFileSync(join(installed, "LICENSE"), "utf8"),
      /Apache License\s+Version 2\.0, January 2004/,
    );

    const check = `
    const url = new m.AuthClient({ clientId: "id", clientSecret: "s", redirectUri: "https://example.com/cb", environment: "sandbox" })
      .getAuthorizationUrl([m.Scopes.Accounting]);
    if (!url.startsWith("https://appcenter.intuit.com/connect/oauth2?client_id=id&response_type=code")) throw new Error(url);
    if (typeof m.AuthClientError !== "function" || typeof m.TokenManager !== "function") throw new Error("exports");
    if (typeof emu.startEmulator !== "function") throw new Error("emulator export");
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
        `import * as m from "intuit-oauth-client"; import * as emu from "intuit-oauth-client/emulator"; import * as redis from "intuit-oauth-client/redis"; import * as pg from "intuit-oauth-client/postgres"; import * as protocol from "intuit-oauth-client/protocol"; import * as undici from "intuit-oauth-client/undici"; ${check}`,
      ],
      { cwd: app, encoding: "utf8" },
    );
    assert.equal(esm.trim(), "ok");
    const cjs = execFileSync(
      process.execPath,
      [
        "-e",
        `const m = require("intuit-oauth-client"); const emu = require("intuit-oauth-client/emulator"); const redis = require("intuit-oauth-client/redis"); const pg = require("intuit-oauth-client/postgres"); const protocol = require("intuit-oauth-client/protocol"); const undici = require("intuit-oauth-client/undici"); ${check}`,
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
          typeRoots: [join(root, "node_modules", "@types")],
        },
        files: ["esm.mts", "cjs.cts"],
      }),
    );
    execFileSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", app], {
      cwd: app,
      stdio: ["ignore", "inherit", "inherit"],
    });

    // TypeScript's classic `moduleResolution: node` (CommonJS projects' default) finds every
    // subpath's types too, through typesVersions.
    writeFileSync(
      join(app, "classic.ts"),
      `import { AuthClient } from "intuit-oauth-client";
import { startEmulator, type EmulatorOptions } from "intuit-oauth-client/emulator";
import { RedisTokenStore } from "intuit-oauth-client/redis";
import { PostgresTokenStore } from "intuit-oauth-client/postgres";
import { storeConformance } from "intuit-oauth-client/testing";
import { exchangeCode } from "intuit-oauth-client/protocol";
import { createUndiciTransport, type UndiciTransport } from "intuit-oauth-client/undici";
const o: EmulatorOptions = { port: 0 };
const t: UndiciTransport = createUndiciTransport();
export { AuthClient, startEmulator, RedisTokenStore, PostgresTokenStore, storeConformance, exchangeCode, o, t };
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
          typeRoots: [join(root, "node_modules", "@types")],
        },
        files: ["classic.ts"],
      }),
    );
    execFileSync(
      process.execPath,
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(app, "tsconfig.classic.json")],
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

    const help = execFileSync(join(app, "node_modules", ".bin", "intuit-oauth"), ["--help"], {
      cwd: app,
      encoding: "utf8",
    });
    assert.match(help, /intuit-oauth/);
    assert.match(help, /login/);
  },
);
