import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    emulator: "src/emulator/index.ts",
    redis: "src/tokens/stores/redis.ts",
    postgres: "src/tokens/stores/postgres.ts",
    cli: "src/cli/main.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  splitting: false,
  target: "node20",
  platform: "node",
  external: ["redis", "pg"],
});
