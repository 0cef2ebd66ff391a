// Run by `deno run` without npm mode (test-runtimes/test/runtimes/deno.test.ts): the portable build imported by its
// file path, then the whole flow. The config (JSON) is the first argument.
import { runFlow } from "./flow.mjs";

// Deno 2 offers Node's `process` and `Buffer` as globals; the portable build must not need them,
// as workerd and edge runtimes have neither. Removed before the library loads.
const nodeGlobals = { process: typeof globalThis.process, Buffer: typeof globalThis.Buffer };
delete globalThis.process;
delete globalThis.Buffer;
const lib = await import("../../../packages/intuit-oauth-client/dist/edge/index.js");
console.log(JSON.stringify({ step: "deno", version: Deno.version.deno, nodeGlobals }));
await runFlow(lib, JSON.parse(Deno.args[0]), (line) => console.log(JSON.stringify(line)));
