import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { startEmulator } from "../../../intuit-oauth-client-emulator/src/index.js";
import { MISSING_VERIFIER_TOKEN } from "../../../../examples/webhooks/verifier-token.js";
import { startOutcome } from "../support/example-process.js";

test("examples/webhooks/server.ts answers 200 to signed deliveries (both formats), 401 to a bad signature, and logs the events", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", "examples/webhooks/server.ts"], {
    env: { ...process.env, PORT: "0", INTUIT_WEBHOOK_VERIFIER_TOKEN: "example-token" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const emu = await startEmulator({ port: 0 });
  try {
    let out = "";
    child.stdout.setEncoding("utf8");
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        const m = /Listening for QuickBooks webhooks on (\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`example exited with ${code}`)));
    });
    const events = [
      {
        realmId: "310687",
        entityName: "Customer",
        entityId: "1",
        operation: "Create" as const,
        occurredAt: "2015-10-05T14:42:19-0700",
      },
    ];
    for (const format of ["legacy", "cloudevents"] as const) {
      assert.deepEqual(await emu.sendWebhook({ url, verifierToken: "example-token", format, events }), {
        status: 200,
        body: "",
      });
    }
    assert.deepEqual(await emu.sendWebhook({ url, verifierToken: "wrong", format: "legacy", events }), {
      status: 401,
      body: "",
    });
    const line = "2015-10-05T21:42:19.000Z realm 310687: Customer 1 Create\n";
    for (let i = 0; i < 50 && out.split(line).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(out.split(line).length - 1, 2);
  } finally {
    await emu.close();
    child.kill();
    if (child.exitCode === null) await once(child, "exit");
  }
});

test("examples/webhooks/server.ts refuses to start without INTUIT_WEBHOOK_VERIFIER_TOKEN and says where Intuit shows it", async () => {
  // It used to fall back to a public token, so anyone could sign deliveries from the real Intuit.
  for (const vars of [{}, { INTUIT_WEBHOOK_VERIFIER_TOKEN: "" }] as Array<Record<string, string>>) {
    const run = await startOutcome("examples/webhooks/server.ts", { PORT: "0", ...vars }, /Listening/);
    assert.equal(run.listening, false, run.stdout);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `${MISSING_VERIFIER_TOKEN}\n`);
    assert.match(run.stderr, /Webhooks page on the Intuit developer portal/);
  }
});
