// Run by `bun` (test/runtimes/bun.test.ts): imports the package by its name, so Bun resolves it
// through package.json `exports` (a package importing itself), says which file it picked, then runs
// the whole flow. Arguments: the config (JSON), then optionally a specifier to import instead.
import { runFlow } from "./flow.mjs";

const specifier = process.argv[3] ?? "intuit-oauth-client";
const lib = await import(specifier);
console.log(JSON.stringify({ step: "resolve", specifier, resolved: import.meta.resolve(specifier) }));
await runFlow(lib, JSON.parse(process.argv[2]), (line) => console.log(JSON.stringify(line)));
