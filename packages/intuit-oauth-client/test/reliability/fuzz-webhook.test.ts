// Fuzzing webhooks: verifyWebhookSignature returns a boolean for any body and header (true only
// for the exact HMAC) and never throws; parseWebhook returns events or throws WebhookPayloadError.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { WebhookPayloadError, parseWebhook, verifyWebhookSignature } from "../../src/index.js";
import { NUM_RUNS, writeSummary } from "./summary.js";

const counts: Record<string, number> = {};
after(() =>
  writeSummary("fuzz-webhook", {
    properties: Object.entries(counts).map(([property, numRuns]) => ({ property, numRuns })),
    command: "CI=true node scripts/run-tests.mjs test/reliability/fuzz-webhook",
  }),
);

const VERIFIER = "verifier-token-fuzz";
const sig = (body: string | Uint8Array) => createHmac("sha256", VERIFIER).update(body).digest("base64");
const rawBody = fc.oneof(fc.string({ maxLength: 300 }), fc.json(), fc.uint8Array({ maxLength: 300 }));

test("verifyWebhookSignature: boolean only, true only for the exact signature", { timeout: 600_000 }, () => {
  fc.assert(
    fc.property(
      rawBody,
      fc.oneof(
        fc.constant("valid"),
        fc.constant("valid-with-space"),
        fc.string({ maxLength: 60 }),
        fc.base64String({ maxLength: 60 }),
        fc.constantFrom(undefined, null, "", "="),
        fc.array(fc.string(), { maxLength: 3 }),
      ),
      (body, header) => {
        const good = sig(body);
        const h = header === "valid" ? good : header === "valid-with-space" ? ` ${good} ` : header;
        const result = verifyWebhookSignature(body, h, VERIFIER);
        assert.equal(typeof result, "boolean");
        const first = Array.isArray(h) ? h[0] : h;
        assert.equal(result, typeof first === "string" && first.trim() === good);
      },
    ),
    { numRuns: NUM_RUNS },
  );
  counts["verifyWebhookSignature"] = NUM_RUNS;
});

const entity = fc.record(
  {
    name: fc.oneof(fc.constantFrom("Customer", "Invoice"), fc.jsonValue()),
    id: fc.oneof(fc.constantFrom("1", "42"), fc.jsonValue()),
    operation: fc.oneof(fc.constantFrom("Create", "Merge"), fc.jsonValue()),
    lastUpdated: fc.oneof(fc.constant("2026-01-01T00:00:00.000Z"), fc.jsonValue()),
    deletedId: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const legacy = fc.record({
  eventNotifications: fc.oneof(
    fc.array(
      fc.record(
        {
          realmId: fc.oneof(fc.constant("123"), fc.jsonValue()),
          dataChangeEvent: fc.oneof(
            fc.record({ entities: fc.oneof(fc.array(entity), fc.jsonValue()) }),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    fc.jsonValue(),
  ),
});
const cloud = fc.array(
  fc.record(
    {
      type: fc.oneof(
        fc.constantFrom(
          "qbo.customer.created.v1",
          "qbo.invoice.voided.v1",
          "qbo..x",
          "x",
          "qbo.customer.__proto__.v1",
          "qbo.customer.constructor.v1",
          "qbo.toString.created.v1",
        ),
        fc
          .tuple(fc.constantFrom("qbo"), fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }))
          .map((parts) => parts.join(".")),
        fc.jsonValue(),
      ),
      id: fc.jsonValue(),
      intuitaccountid: fc.oneof(fc.constant("123"), fc.jsonValue()),
      intuitentityid: fc.oneof(fc.constant("9"), fc.jsonValue()),
      time: fc.oneof(fc.constant("2026-01-01T00:00:00Z"), fc.jsonValue()),
      // Production's variants: data absent, {} or { deletedid } on merges; anything else must not crash.
      data: fc.oneof(
        fc.constant({}),
        fc.record({ deletedid: fc.oneof(fc.constant("6"), fc.jsonValue()) }),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 3 },
);

test("parseWebhook: events or WebhookPayloadError, nothing else", { timeout: 600_000 }, () => {
  let parsed = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        legacy.map((v) => JSON.stringify(v)),
        cloud.map((v) => JSON.stringify(v)),
        fc.json(),
        fc.string({ maxLength: 200 }),
      ),
      fc.boolean(),
      (text, asBytes) => {
        try {
          const events = parseWebhook(asBytes ? new TextEncoder().encode(text) : text);
          parsed++;
          assert.ok(Array.isArray(events));
          for (const e of events) {
            for (const k of ["realmId", "entityName", "entityId", "operation", "occurredAt"] as const)
              assert.equal(typeof e[k], "string", `${k} is a string`);
            assert.ok(e.format === "legacy" || e.format === "cloudevents");
            if (e.deletedId !== undefined) assert.equal(typeof e.deletedId, "string");
          }
        } catch (err) {
          assert.ok(err instanceof WebhookPayloadError, `WebhookPayloadError only, got ${String(err)}`);
        }
      },
    ),
    { numRuns: NUM_RUNS },
  );
  assert.ok(parsed > 0, "the success path was exercised");
  counts["parseWebhook"] = NUM_RUNS;
});

test(
  "parseWebhook: any CloudEvents type gives string names or a WebhookPayloadError",
  { timeout: 600_000 },
  () => {
    const segment = fc.oneof(
      fc.constantFrom("customer", "created", "__proto__", "constructor", "toString", "hasOwnProperty", "v1"),
      fc.string({ maxLength: 10 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (parts) => {
        const type = ["qbo", ...parts].join(".");
        const body = JSON.stringify([
          { type, id: "e", intuitaccountid: "1", intuitentityid: "2", time: "2026-01-01T00:00:00Z" },
        ]);
        try {
          const [e] = parseWebhook(body);
          assert.equal(typeof e?.operation, "string");
          assert.equal(typeof e?.entityName, "string");
        } catch (err) {
          assert.ok(err instanceof WebhookPayloadError, `WebhookPayloadError only, got ${String(err)}`);
        }
      }),
      { numRuns: NUM_RUNS },
    );
    counts["parseWebhook type"] = NUM_RUNS;
  },
);
