// Builds the CLI's bin. The library and the emulator are dependencies, imported by package name and
// left external, so the bin runs the same dist/ files an application imports.
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { cli: "src/main.ts" },
  format: ["esm"],
  dts: false, // a bin; nothing imports it
  clean: false,
  target: "node20",
  platform: "node",
  removeNodeProtocol: false,
  external: ["intuit-oauth-client", "intuit-oauth-client-emulator"],
});
