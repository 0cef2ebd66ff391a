// Builds the emulator package: its library face (ESM and CJS, with types) and its bin.
import { defineConfig } from "tsup";

const dts = process.env["BUILD_DTS"] !== "0";

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm", "cjs"],
    dts,
    clean: false,
    splitting: true,
    keepNames: true,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
  },
  {
    entry: { bin: "src/bin.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    target: "node20",
    platform: "node",
    removeNodeProtocol: false,
  },
]);
