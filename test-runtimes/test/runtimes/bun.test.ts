// Bun runs the whole flow on the build it resolves for `import "intuit-oauth-client"` through the
// package's own `exports` (Bun picks the Node build: it matches `node`/`import`, not `worker`), and
// on the portable build, which Bun users get from a bundler targeting the browser or workers.
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import {
  HERE,
  LIBRARY,
  PORTABLE_BUILD,
  assertFlow,
  flowEmulator,
  flowSteps,
  requireRuntime,
  run,
  runtimeBinary,
} from "./harness.js";

const skip = requireRuntime("bun");

async function bunFlow(specifier?: string) {
  const flow = await flowEmulator();
  try {
    const args = [join(HERE, "bun-main.mjs"), JSON.stringify(flow.config)];
    const out = await run(runtimeBinary("bun"), specifier ? [...args, specifier] : args);
    const context = `bun exited ${out.code}\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
    assert.equal(out.code, 0, context);
    const steps = flowSteps(out.stdout, context);
    assertFlow(steps, flow, context);
    return steps;
  } finally {
    await flow.close();
  }
}

test(
  'Bun: import "intuit-oauth-client" resolves the Node build, which runs the whole flow',
  { skip },
  async () => {
    const steps = await bunFlow();
    assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(join(LIBRARY, "dist", "index.js")).href);
    // The Node build's root export: the file store is there, and so are Bun's Node globals.
    assert.equal(steps.get("runtime")?.["fileTokenStore"], "function");
    assert.equal(steps.get("runtime")?.["hasProcess"], true);
  },
);

test("Bun: the portable build (dist/edge) runs the whole flow too", { skip }, async () => {
  const steps = await bunFlow(pathToFileURL(PORTABLE_BUILD).href);
  assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(PORTABLE_BUILD).href);
  assert.equal(steps.get("runtime")?.["fileTokenStore"], "undefined");
});
