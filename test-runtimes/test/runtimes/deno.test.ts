// Deno WITHOUT npm mode runs the whole flow on the portable build (dist/edge/index.js), imported by
// its file path: no npm resolution, no config file, no remote modules, network to 127.0.0.1 only.
// And Deno in npm mode, in a project that has the package in node_modules, resolves the package name
// to that same build (the `deno` export condition) and runs the flow too.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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
      join(HERE, "deno-main.mjs"),
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

test(
  "Deno in npm mode: the package name resolves the portable build, which runs the whole flow",
  { skip },
  async () => {
    // A project with the package in node_modules (a link to this checkout), as `npm install` leaves it.
    const project = mkdtempSync(join(tmpdir(), "intuit-deno-npm-"));
    mkdirSync(join(project, "node_modules"));
    symlinkSync(LIBRARY, join(project, "node_modules", "intuit-oauth-client"), "dir");
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ type: "module", dependencies: { "intuit-oauth-client": "*" } }),
    );
    const flowModule = pathToFileURL(join(HERE, "flow.mjs")).href;
    writeFileSync(
      join(project, "main.mjs"),
      `import { runFlow } from ${JSON.stringify(flowModule)};
const lib = await import("intuit-oauth-client");
console.log(JSON.stringify({ step: "resolve", resolved: import.meta.resolve("intuit-oauth-client") }));
await runFlow(lib, JSON.parse(Deno.args[0]), (line) => console.log(JSON.stringify(line)));
`,
    );
    const flow = await flowEmulator();
    try {
      const npmMode = [
        "run",
        "--node-modules-dir=manual",
        "--no-lock",
        "--no-remote",
        "--cached-only",
        "--no-prompt",
      ];
      const out = await run(
        runtimeBinary("deno"),
        [...npmMode, "--allow-net=127.0.0.1", "main.mjs", JSON.stringify(flow.config)],
        { cwd: project },
      );
      const context = `deno exited ${out.code}\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
      assert.equal(out.code, 0, context);
      const steps = flowSteps(out.stdout, context);
      assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(PORTABLE_BUILD).href, context);
      assert.equal(steps.get("runtime")?.["fileTokenStore"], "undefined", context);
      assertFlow(steps, flow, context);
    } finally {
      await flow.close();
      rmSync(project, { recursive: true, force: true });
    }
  },
);
