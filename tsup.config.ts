import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";

// `BUILD_DTS=0` (npm run build:js, used by the demo) skips type declarations, which are most of
// the build time.
const dts = process.env["BUILD_DTS"] !== "0";

const library: Record<string, string> = {
  index: "src/index.ts",
  emulator: "src/emulator/index.ts",
  // Faces: the Redis and PostgreSQL token stores, API limits and state stores.
  redis: "src/redis.ts",
  postgres: "src/postgres.ts",
  // The store conformance suite (`intuit-oauth-client/testing`).
  testing: "src/testing/index.ts",
  // The stateless protocol functions (`intuit-oauth-client/protocol`).
  protocol: "src/protocol.ts",
  // Report names and readers, and what each entity allows (`intuit-oauth-client/quickbooks`).
  quickbooks: "src/quickbooks.ts",
  // The undici transport (`intuit-oauth-client/undici`; undici is an optional peer).
  undici: "src/undici.ts",
};

// The CLI uses the library only through its public faces; point those imports at the built
// files next to it instead of bundling a second copy of the library and the emulator.
const usePublishedFaces: Plugin = {
  name: "cli-uses-published-faces",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(index|quickbooks|emulator\/index)\.js$/ }, (args) => ({
      path: args.path === "../emulator/index.js" ? "./emulator.js" : args.path.replace("../", "./"),
      external: true,
    }));
  },
};

// The portable build: a module with a `.web.ts` sibling (bytes, digests, RSA, the default
// transport) is replaced by that sibling, which uses only fetch, TextEncoder and Web Crypto.
const useWebSiblings: Plugin = {
  name: "use-web-siblings",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const web = resolve(dirname(args.importer), args.path.replace(/\.js$/, ".web.ts"));
      return existsSync(web) ? { path: web } : undefined;
    });
  },
};

const common: Options = {
  clean: false, // `npm run build` empties dist first; the configs must not clean each other's output
  sourcemap: false,
  splitting: false,
};

export default defineConfig([
  {
    ...common,
    entry: Object.fromEntries(Object.entries(library).filter(([, file]) => existsSync(file))),
    format: ["esm", "cjs"],
    dts,
    target: "node20",
    platform: "node",
    // Deno and bundlers need the `node:` prefix to tell built-ins from packages.
    removeNodeProtocol: false,
    external: ["redis", "pg", "undici"],
  },
  {
    // Workers, Deno without npm mode, edge runtimes and browsers: no Node built-in at all.
    ...common,
    entry: { "edge/index": "src/index.portable.ts", "edge/protocol": "src/protocol.ts" },
    format: ["esm"],
    dts,
    target: "es2022",
    platform: "neutral",
    esbuildPlugins: [useWebSiblings],
  },
  {
    ...common,
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"], // the `intuit-oauth` bin; nothing imports it
    dts: false,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
    esbuildPlugins: [usePublishedFaces],
  },
]);
