import { existsSync } from "node:fs";
import { defineConfig } from "tsup";

const entries: Record<string, string> = {
  index: "src/index.ts",
  emulator: "src/emulator/index.ts",
  redis: "src/tokens/stores/redis.ts",
  postgres: "src/tokens/stores/postgres.ts",
  cli: "src/cli/main.ts",
};

export default defineConfig({
  // Parts land one by one; build the entry points that exist.
  entry: Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file))),
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  splitting: false,
  target: "node20",
  platform: "node",
  external: ["redis", "pg"],
});
