// Run by Deno (without npm mode), Bun or Node for test/runtimes/protocol.test.ts: imports the protocol
// module by the specifier given (a file URL, or the package's own `intuit-oauth-client/protocol`),
// says which file it got, then runs the protocol flow. Arguments: the config (JSON), the specifier.
import { runProtocolFlow } from "./protocol-flow.mjs";

const [config, specifier] = globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2);
// Deno 2 offers Node's `process` and `Buffer` as globals; the portable build must not need them.
if (globalThis.Deno) {
  delete globalThis.process;
  delete globalThis.Buffer;
}
const protocol = await import(specifier);
console.log(JSON.stringify({ step: "resolve", resolved: import.meta.resolve(specifier) }));
await runProtocolFlow(protocol, JSON.parse(config), (line) => console.log(JSON.stringify(line)));
