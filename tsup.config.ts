import { existsSync } from "node:fs";
import type { Plugin } from "esbuild";
import { defineConfig } from "tsup";

const library: Record<string, string> = {
  index: "src/index.ts",
  emulator: "src/emulator/index.ts",
  redis: "src/tokens/stores/redis.ts",
  postgres: "src/tokens/stores/postgres.ts",
};

// The CLI uses the library only through its public faces; point those imports at the built
// files next to it instead of bundling a second copy of the library and the emulator.
const usePublishedFaces: Plugin = {
  name: "cli-uses-published-faces",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/(index|emulator\/index)\.js$/ }, (args) => ({
      path: args.path === "../index.js" ? "./index.js" : "./emulator.js",
      external: true,
    }));
  },
};

export default defineConfig([
  {
    entry: Object.fromEntries(Object.entries(library).filter(([, file]) => existsSync(file))),
    format: ["esm", "cjs"],
    dts: true,
    clean: false, // `npm run build` empties dist first; two configs must not clean each other's output
    sourcemap: false,
    splitting: false,
    target: "node20",
    platform: "node",
    external: ["redis", "pg"],
  },
  {
    // The store conformance suite (`intuit-oauth-client/testing`). `node:test` exists only under its
    // `node:` name, so this build keeps the prefix that tsup strips by default.
    entry: { testing: "src/testing/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: false,
    sourcemap: false,
    splitting: false,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"], // the `intuit-oauth` bin; nothing imports it
    dts: false,
    clean: false,
    sourcemap: false,
    splitting: false,
    target: "node20",
    platform: "node",
    esbuildPlugins: [usePublishedFaces],
  },
]);
