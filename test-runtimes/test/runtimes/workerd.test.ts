// workerd WITHOUT nodejs_compat runs the whole flow on the portable build: a module worker importing
// dist/edge/index.js, reaching the emulator over loopback through its config (globalOutbound), driven
// over HTTP on 127.0.0.1 by this test. The same worker with nodejs_compat runs it too (the package
// resolves to the same build either way: export conditions do not change with the flag).
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { HERE, PORTABLE_BUILD, assertFlow, flowEmulator, flowSteps, requireRuntime } from "./harness.js";
import { startWorkerd, type Workerd } from "./workerd.js";

const skip = requireRuntime("workerd");

async function workerdFlow(compatibilityFlags: string[]) {
  const flow = await flowEmulator();
  let worker: Workerd | undefined;
  try {
    worker = await startWorkerd({
      modules: [
        { name: "worker.mjs", path: join(HERE, "workerd-worker.mjs") },
        { name: "flow.mjs", path: join(HERE, "flow.mjs") },
        { name: "intuit-oauth-client", path: PORTABLE_BUILD },
      ],
      compatibilityFlags,
    });
    const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(flow.config) });
    const body = await res.text();
    const context = `worker answered ${res.status}\n${body}\nworkerd:\n${worker.stderr()}`;
    assert.equal(res.status, 200, context);
    const steps = flowSteps(body, context);
    assertFlow(steps, flow, context);
    return { runtime: steps.get("runtime"), context };
  } finally {
    await worker?.close();
    await flow.close();
  }
}

test("workerd without nodejs_compat: the portable build runs the whole flow", { skip }, async () => {
  const { runtime, context } = await workerdFlow([]);
  // Without nodejs_compat there is no process and no Buffer; the build never needed them.
  assert.deepEqual(
    { ...runtime, version: undefined, exports: undefined },
    {
      step: "runtime",
      hasProcess: false,
      hasBuffer: false,
      version: undefined,
      exports: undefined,
      fileTokenStore: "undefined",
    },
    context,
  );
});

test("workerd with nodejs_compat: the same build runs the whole flow", { skip }, async () => {
  const { runtime, context } = await workerdFlow(["nodejs_compat"]);
  assert.equal(runtime?.["hasBuffer"], true, `nodejs_compat is on\n${context}`);
});
