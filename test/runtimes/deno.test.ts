// Deno WITHOUT npm mode runs the whole flow on the portable build (dist/edge/index.js), imported by
// its file path: no npm resolution, no config file, no remote modules, network to 127.0.0.1 only.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  PORTABLE_BUILD,
  assertFlow,
  flowEmulator,
  flowSteps,
  requireRuntime,
  run,
  runtimeBinary,
} from "./harness.js";

// `deno run` checks nothing by default; these turn off every way it could reach beyond the files.
const DENO_FLAGS = [
  "run",
  "--no-npm",
  "--no-config",
  "--no-lock",
  "--no-remote",
  "--no-prompt",
  "--allow-net=127.0.0.1",
];

const skip = requireRuntime("deno");

test("the portable build imports nothing: not node: built-ins, not bare ones, not packages", { skip }, () => {
  const source = readFileSync(PORTABLE_BUILD, "utf8");
  assert.doesNotMatch(source, /^\s*import\b|\bfrom\s*["']|\bimport\s*\(|\brequire\s*\(/m);
});

test("Deno without npm mode: the portable build runs the whole flow", { skip }, async () => {
  const flow = await flowEmulator();
  try {
    const out = await run(runtimeBinary("deno"), [
      ...DENO_FLAGS,
      "test/runtimes/deno-main.mjs",
      JSON.stringify(flow.config),
    ]);
    const context = `deno exited ${out.code}\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
    assert.equal(out.code, 0, context);
    const steps = flowSteps(out.stdout, context);
    // No Node globals leak in: Deno has no Buffer, and the build never asked for one.
    assert.deepEqual(
      { ...steps.get("runtime"), exports: undefined, version: undefined },
      {
        step: "runtime",
        hasProcess: false,
        hasBuffer: false,
        exports: undefined,
        version: undefined,
        fileTokenStore: "undefined",
      },
      context,
    );
    assertFlow(steps, flow, context);
  } finally {
    await flow.close();
  }
});
