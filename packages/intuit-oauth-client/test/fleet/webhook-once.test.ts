// handleWebhookOnce: verification first, then one consume of every event's key; duplicates within
// and across deliveries, the legacy key, release(), store failures, and the portable build (Deno,
// no permissions). The multi-process proof is webhook-fleet.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  handleWebhookOnce,
  MemoryStateStore,
  parseWebhook,
  SharedStoreError,
  webhookEventKey,
  WebhookSignatureError,
  type StateStore,
} from "../../src/index.js";

const VERIFIER = "verifier";
const sign = (body: string) => createHmac("sha256", VERIFIER).update(body).digest("base64");

function cloudEvent(id: string, entityId: string, time = "2025-09-10T21:31:25Z") {
  return {
    specversion: "1.0",
    id,
    type: "qbo.invoice.updated.v1",
    time,
    intuitentityid: entityId,
    intuitaccountid: "310687",
  };
}
function legacy(entities: Array<{ id: string; operation: string; lastUpdated: string }>) {
  return JSON.stringify({
    eventNotifications: [
      { realmId: "310687", dataChangeEvent: { entities: entities.map((e) => ({ name: "Invoice", ...e })) } },
    ],
  });
}

test("a redelivery is dropped; an event repeated inside one delivery is taken once", async () => {
  const store = new MemoryStateStore();
  const body = JSON.stringify([cloudEvent("e1", "1"), cloudEvent("e2", "2"), cloudEvent("e1", "1")]);
  const first = await handleWebhookOnce(body, sign(body), VERIFIER, { store });
  assert.deepEqual(
    first.events.map((e) => e.eventId),
    ["e1", "e2"],
  );
  assert.deepEqual(
    first.duplicates.map((e) => e.eventId),
    ["e1"],
  );
  const again = await handleWebhookOnce(body, sign(body), VERIFIER, { store });
  assert.deepEqual(again.events, []);
  assert.equal(again.duplicates.length, 3);
});

test("the CloudEvents key is the id; the legacy key is realm, entity, id, operation and lastUpdated", async () => {
  const [a] = parseWebhook(JSON.stringify([cloudEvent("same-id", "1")]));
  const [b] = parseWebhook(JSON.stringify([cloudEvent("same-id", "2", "2026-01-01T00:00:00Z")]));
  assert.equal(webhookEventKey(a!), webhookEventKey(b!), "one CloudEvents id, one key");
  assert.match(webhookEventKey(a!), /^webhook:[A-Za-z0-9_-]{43}$/);
  assert.ok(!webhookEventKey(a!).includes("same-id"), "the id is hashed");
  const store = new MemoryStateStore();
  const one = legacy([{ id: "7", operation: "Update", lastUpdated: "2015-10-05T14:42:19-0700" }]);
  const later = legacy([{ id: "7", operation: "Update", lastUpdated: "2015-10-05T14:50:00-0700" }]);
  assert.equal((await handleWebhookOnce(one, sign(one), VERIFIER, { store })).events.length, 1);
  assert.equal((await handleWebhookOnce(one, sign(one), VERIFIER, { store })).events.length, 0);
  assert.equal(
    (await handleWebhookOnce(later, sign(later), VERIFIER, { store })).events.length,
    1,
    "a later change of the same entity is a new event",
  );
});

test("release() gives the events back, so the redelivery is handled", async () => {
  const store = new MemoryStateStore();
  const body = JSON.stringify([cloudEvent("r1", "1")]);
  const first = await handleWebhookOnce(body, sign(body), VERIFIER, { store });
  await first.release();
  const again = await handleWebhookOnce(body, sign(body), VERIFIER, { store });
  assert.deepEqual(
    again.events.map((e) => e.eventId),
    ["r1"],
  );
});

test("a bad signature is refused before the store is touched; a failing store is a SharedStoreError", async () => {
  const store = new MemoryStateStore();
  const body = JSON.stringify([cloudEvent("s1", "1")]);
  await assert.rejects(handleWebhookOnce(body, "AAAA", VERIFIER, { store }), WebhookSignatureError);
  assert.equal(store.size, 0);
  const failing: StateStore = {
    consume: async () => {
      throw new SharedStoreError("PostgreSQL: consume failed");
    },
    release: async () => {},
  };
  await assert.rejects(handleWebhookOnce(body, sign(body), VERIFIER, { store: failing }), SharedStoreError);
  await assert.rejects(
    handleWebhookOnce(body, sign(body), VERIFIER, undefined as never),
    (e: Error & { code?: string }) => e.code === "ERR_CONFIGURATION",
  );
});

const edge = join(import.meta.dirname, "../../dist/edge/index.js");
const deno = join(import.meta.dirname, "../../node_modules/.bin/deno");
test(
  "the portable build runs handleWebhookOnce with a MemoryStateStore (Deno, no permissions)",
  {
    skip:
      (!existsSync(edge) && "dist not built: run npm run build") ||
      (!existsSync(deno) && "deno not installed"),
  },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "intuit-edge-"));
    try {
      const body = JSON.stringify([cloudEvent("d1", "1"), cloudEvent("d2", "2")]);
      const script = join(dir, "check.mjs");
      writeFileSync(
        script,
        `import { handleWebhookOnce, MemoryStateStore } from ${JSON.stringify(edge)};
const store = new MemoryStateStore();
const body = ${JSON.stringify(body)};
const a = await handleWebhookOnce(body, ${JSON.stringify(sign(body))}, "verifier", { store });
const b = await handleWebhookOnce(body, ${JSON.stringify(sign(body))}, "verifier", { store });
console.log(JSON.stringify([a.events.map((e) => e.eventId), b.duplicates.length]));`,
      );
      const out = execFileSync(deno, ["run", "--no-prompt", "--no-npm", script], {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", DENO_DIR: join(dir, "deno") },
      });
      assert.equal(out.trim(), JSON.stringify([["d1", "d2"], 2]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
