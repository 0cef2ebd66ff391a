import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Plugin } from "esbuild";
import { defineConfig, type Options } from "tsup";

// `BUILD_DTS=0` (npm run build:js, used by the demo) skips type declarations, which are most of
// the build time.
const dts = process.env["BUILD_DTS"] !== "0";

// One entry per subpath face. A face whose file does not exist yet is skipped (the `undici` face comes
// with its own branch); package.json's exports and typesVersions list the same names.
const library: Record<string, string> = {
  index: "src/index.ts",
  // The stateless protocol functions (`intuit-oauth-client/protocol`).
  protocol: "src/protocol.ts",
  // The QuickBooks API's limits and vocabulary (`intuit-oauth-client/quickbooks`).
  quickbooks: "src/quickbooks.ts",
  // The Redis and PostgreSQL token stores, API limits and state stores.
  redis: "src/redis.ts",
  postgres: "src/postgres.ts",
  // For store authors: the helpers and, beside them, the conformance suite.
  "store-kit": "src/store-kit.ts",
  "store-kit/testing": "src/testing/index.ts",
  // An undici-based transport (`intuit-oauth-client/undici`), with undici as an optional peer.
  undici: "src/undici.ts",
};
const exists = (entries: Record<string, string>) =>
  Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));

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
  // One module graph: every face imports the same shared chunks, so a class exists once per format
  // and `instanceof` holds whichever subpath a value came from. keepNames keeps class names in the
  // CJS chunks (esbuild would otherwise rename them, e.g. `_class2`), which `error.name` relies on.
  splitting: true,
  keepNames: true,
};

export default defineConfig([
  {
    ...common,
    entry: exists(library),
    format: ["esm", "cjs"],
    dts,
    target: "node20",
    platform: "node",
    // Deno and bundlers need the `node:` prefix to tell built-ins from packages.
    removeNodeProtocol: false,
    external: ["redis", "pg", "undici"],
  },
  {
    // Workers, Deno without npm mode, edge runtimes and browsers: no Node built-in at all. Each face
    // is one self-contained file (no chunks), as workerd's module list and Deno's file imports want.
    ...common,
    splitting: false,
    entry: exists({
      "edge/index": "src/index.portable.ts",
      "edge/protocol": "src/protocol.ts",
      "edge/quickbooks": "src/quickbooks.ts",
      "edge/store-kit": "src/store-kit.portable.ts",
    }),
    format: ["esm"],
    dts,
    target: "es2022",
    platform: "neutral",
    esbuildPlugins: [useWebSiblings],
  },
]);
