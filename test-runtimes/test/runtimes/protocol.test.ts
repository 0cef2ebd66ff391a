// `intuit-oauth-client/protocol`, the stateless functions, runs the whole connect flow in every
// runtime: Node and Bun on the Node build they resolve through the package's `exports`, Deno without
// npm mode and workerd without nodejs_compat on the portable protocol build (dist/edge/protocol.js).
// The code is exchanged once: the emulator sees one code exchange, and a second try is refused first.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "node:test";
import {
  HERE,
  LIBRARY,
  flowEmulator,
  flowSteps,
  requireRuntime,
  run,
  runtimeBinary,
  type FlowEmulator,
} from "./harness.js";
import { startWorkerd, type Workerd } from "./workerd.js";

const PROTOCOL_BUILD = join(LIBRARY, "dist", "edge", "protocol.js");
const NODE_BUILD = join(LIBRARY, "dist", "protocol.js");

const pick = (o: Record<string, unknown> | undefined, keys: string[]) =>
  Object.fromEntries(keys.map((k) => [k, o?.[k]]));
const thrown = (name: string, code: string, reason?: string) =>
  reason === undefined ? { threw: true, name, code } : { threw: true, name, code, reason };

/** Every protocol step's result, checked against what the emulator saw. */
function assertProtocolFlow(
  steps: Map<string, Record<string, unknown>>,
  flow: FlowEmulator,
  context: string,
) {
  const failed = [...steps.values()].find((s) => s["error"]);
  assert.equal(failed, undefined, `the flow failed at ${String(failed?.["step"])}\n${context}`);
  const step = (name: string) => {
    const s = steps.get(name);
    assert.ok(s, `no result for step ${name}\n${context}`);
    return s;
  };
  const { emu, realmId } = flow;
  assert.equal(step("protocol-discovery")["tokenEndpoint"], `${emu.url}/oauth2/v1/tokens/bearer`, context);
  assert.deepEqual(
    pick(step("protocol-callback"), ["realmId", "realmIdVerified", "claimsRealm"]),
    { realmId, realmIdVerified: true, claimsRealm: realmId },
    context,
  );
  const reused = step("protocol-code-reused");
  assert.deepEqual(
    pick(reused["again"] as Record<string, unknown>, ["threw", "name", "code", "reason"]),
    thrown("CallbackError", "ERR_CALLBACK", "state_reused"),
    context,
  );
  assert.deepEqual(
    pick(reused["byCode"] as Record<string, unknown>, ["threw", "name", "code", "reason"]),
    thrown("CallbackError", "ERR_CALLBACK", "code_reused"),
    context,
  );
  const idToken = step("protocol-id-token");
  assert.equal(idToken["realmid"], realmId, context);
  assert.deepEqual(
    pick(idToken["tampered"] as Record<string, unknown>, ["threw", "name", "code", "reason"]),
    thrown("IdTokenError", "ERR_ID_TOKEN", "signature"),
    context,
  );
  assert.equal(step("protocol-userinfo")["sameSubject"], true, context);
  const realm = step("protocol-realm");
  assert.equal(realm["proven"], true, context);
  assert.deepEqual(
    pick(realm["otherRealm"] as Record<string, unknown>, ["threw", "name", "code", "reason"]),
    thrown("CallbackError", "ERR_CALLBACK", "realm_mismatch"),
    context,
  );
  assert.deepEqual(
    pick(step("protocol-refresh"), ["accessTokenReplaced", "realmId"]),
    { accessTokenReplaced: true, realmId },
    context,
  );
  const revoke = step("protocol-revoke");
  assert.equal(revoke["revoked"], true, context);
  assert.deepEqual(
    pick(revoke["afterRevoke"] as Record<string, unknown>, ["threw", "name", "code"]),
    thrown("InvalidGrantError", "ERR_INVALID_GRANT"),
    context,
  );
  step("protocol-done");
  // One code exchange, one refresh, one refused refresh: the reused code never reached the emulator.
  assert.equal(emu.counters().token, 3, context);
}

async function inChild(
  binary: string,
  args: string[],
  specifier: string,
): Promise<Map<string, Record<string, unknown>>> {
  const flow = await flowEmulator();
  try {
    const out = await run(binary, [
      ...args,
      join(HERE, "protocol-main.mjs"),
      JSON.stringify(flow.config),
      specifier,
    ]);
    const context = `${binary} exited ${out.code}\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`;
    assert.equal(out.code, 0, context);
    const steps = flowSteps(out.stdout, context);
    assertProtocolFlow(steps, flow, context);
    return steps;
  } finally {
    await flow.close();
  }
}

/** As requireRuntime, for the Node build: skipped when missing, except under CI=true. */
function requireNodeBuild(): string | false {
  if (existsSync(NODE_BUILD)) return false;
  if (process.env["CI"] === "true") throw new Error(`${NODE_BUILD} is missing (CI=true: npm test builds it)`);
  return `${NODE_BUILD} is missing: run npm run build`;
}

test(
  "Node: intuit-oauth-client/protocol resolves the Node build, which runs the whole flow",
  { skip: requireNodeBuild() },
  async () => {
    const steps = await inChild(process.execPath, [], "intuit-oauth-client/protocol");
    assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(NODE_BUILD).href);
  },
);

test("Bun: intuit-oauth-client/protocol runs the whole flow", { skip: requireRuntime("bun") }, async () => {
  const steps = await inChild(runtimeBinary("bun"), [], "intuit-oauth-client/protocol");
  assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(NODE_BUILD).href);
});

test(
  "Deno without npm mode: the portable protocol build runs the whole flow",
  { skip: requireRuntime("deno") },
  async () => {
    const flags = [
      "run",
      "--no-npm",
      "--no-config",
      "--no-lock",
      "--no-remote",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      // The main module imports the build by a computed specifier: Deno asks leave to read that file only.
      `--allow-read=${PROTOCOL_BUILD}`,
    ];
    const steps = await inChild(runtimeBinary("deno"), flags, pathToFileURL(PROTOCOL_BUILD).href);
    assert.equal(steps.get("resolve")?.["resolved"], pathToFileURL(PROTOCOL_BUILD).href);
  },
);

test(
  "workerd without nodejs_compat: the portable protocol build runs the whole flow",
  { skip: requireRuntime("workerd") },
  async () => {
    const flow = await flowEmulator();
    let worker: Workerd | undefined;
    try {
      worker = await startWorkerd({
        modules: [
          {
            name: "worker.mjs",
            source: `import * as protocol from "intuit-oauth-client/protocol";
import { runProtocolFlow } from "protocol-flow.mjs";
export default {
  async fetch(request) {
    const lines = [];
    await runProtocolFlow(protocol, await request.json(), (line) => lines.push(JSON.stringify(line)));
    return new Response(lines.join("\\n") + "\\n");
  },
};`,
          },
          { name: "protocol-flow.mjs", path: join(HERE, "protocol-flow.mjs") },
          { name: "flow.mjs", path: join(HERE, "flow.mjs") },
          { name: "intuit-oauth-client/protocol", path: PROTOCOL_BUILD },
        ],
      });
      const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(flow.config) });
      const body = await res.text();
      const context = `worker answered ${res.status}\n${body}\nworkerd:\n${worker.stderr()}`;
      assert.equal(res.status, 200, context);
      assertProtocolFlow(flowSteps(body, context), flow, context);
    } finally {
      await worker?.close();
      await flow.close();
    }
  },
);
