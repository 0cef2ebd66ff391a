import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  handleWebhook,
  parseWebhook,
  verifyWebhookSignature,
  WebhookPayloadError,
  WebhookSignatureError,
  type WebhookEvent,
} from "../../src/api/webhooks.js";
import {
  startEmulator,
  type Emulator,
  type EmulatedWebhookEvent,
} from "../../../intuit-oauth-client-emulator/src/index.js";

const VERIFIER = "b6b8f3c4-verifier-token";
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

interface Delivery {
  body: Buffer;
  signature: string | undefined;
}

let emu: Emulator;
let server: Server;
let url: string;
const deliveries: Delivery[] = [];

before(async () => {
  emu = await startEmulator({ port: 0 });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const signature = req.headers["intuit-signature"];
      deliveries.push({
        body: Buffer.concat(chunks),
        signature: Array.isArray(signature) ? signature[0] : signature,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await emu.close();
});

// The emulator's input uses the parsed event's own field names: what is sent is what comes back.
const EVENTS: EmulatedWebhookEvent[] = [
  {
    realmId: "310687",
    entityName: "Customer",
    entityId: "1",
    operation: "Create",
    occurredAt: "2015-10-05T14:42:19-0700",
  },
  {
    realmId: "310687",
    entityName: "Invoice",
    entityId: "130",
    operation: "Void",
    occurredAt: "2025-09-10T21:31:25.179851517Z",
  },
  {
    realmId: "9341453050198162",
    entityName: "PurchaseOrder",
    entityId: "7",
    operation: "Merge",
    occurredAt: "2024-02-29T12:00:00.000Z",
    deletedId: "8",
  },
  {
    realmId: "9341453050198162",
    entityName: "JournalEntry",
    entityId: "12",
    operation: "Delete",
    occurredAt: "2024-03-01T00:00:00Z",
  },
  {
    realmId: "9341453050198162",
    entityName: "Invoice",
    entityId: "131",
    operation: "Emailed",
    occurredAt: "2024-03-01T00:00:01Z",
  },
];

const NORMALISED = [
  {
    realmId: "310687",
    entityName: "Customer",
    entityId: "1",
    operation: "Create",
    occurredAt: "2015-10-05T21:42:19.000Z",
  },
  {
    realmId: "310687",
    entityName: "Invoice",
    entityId: "130",
    operation: "Void",
    occurredAt: "2025-09-10T21:31:25.179Z",
  },
  {
    realmId: "9341453050198162",
    entityName: "PurchaseOrder",
    entityId: "7",
    operation: "Merge",
    occurredAt: "2024-02-29T12:00:00.000Z",
    deletedId: "8",
  },
  {
    realmId: "9341453050198162",
    entityName: "JournalEntry",
    entityId: "12",
    operation: "Delete",
    occurredAt: "2024-03-01T00:00:00.000Z",
  },
  {
    realmId: "9341453050198162",
    entityName: "Invoice",
    entityId: "131",
    operation: "Emailed",
    occurredAt: "2024-03-01T00:00:01.000Z",
  },
];

async function deliver(format: "legacy" | "cloudevents"): Promise<Delivery> {
  const answer = await emu.sendWebhook({ url, verifierToken: VERIFIER, format, events: EVENTS });
  assert.equal(answer.status, 200);
  const d = deliveries.at(-1);
  if (!d) throw new Error("nothing delivered");
  return d;
}

for (const format of ["legacy", "cloudevents"] as const) {
  test(`${format}: signature verification (good, tampered body/signature, missing, garbage, wrong token)`, async () => {
    const { body, signature } = await deliver(format);
    assert.equal(typeof signature, "string");
    const sig = signature ?? "";
    assert.equal(verifyWebhookSignature(body, sig, VERIFIER), true);
    assert.equal(verifyWebhookSignature(body.toString("utf8"), sig, VERIFIER), true);
    assert.equal(verifyWebhookSignature(new Uint8Array(body), ` ${sig} `, VERIFIER), true);
    assert.equal(verifyWebhookSignature(body, [sig], VERIFIER), true);

    const tampered = Buffer.from(body.toString("utf8").replace('"130"', '"131"'));
    assert.notDeepEqual(tampered, body);
    assert.equal(verifyWebhookSignature(tampered, sig, VERIFIER), false);
    assert.equal(verifyWebhookSignature(Buffer.concat([body, Buffer.from(" ")]), sig, VERIFIER), false);

    const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
    assert.equal(verifyWebhookSignature(body, flipped, VERIFIER), false);
    // Same decoded bytes, different text: the padding bits of the last character changed.
    const last = sig.at(-2) ?? "";
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] ?? "";
    const nonCanonical = `${sig.slice(0, -2)}${sibling}=`;
    assert.deepEqual(Buffer.from(nonCanonical, "base64"), Buffer.from(sig, "base64"));
    assert.equal(verifyWebhookSignature(body, nonCanonical, VERIFIER), false);

    for (const header of [
      undefined,
      null,
      "",
      "   ",
      "not-a-signature",
      "====",
      "é".repeat(44),
      "x".repeat(100_000),
      sig.slice(0, -1),
      `${sig}=`,
    ]) {
      assert.equal(verifyWebhookSignature(body, header, VERIFIER), false, String(header).slice(0, 20));
    }
    assert.equal(verifyWebhookSignature(body, sig, "another-verifier-token"), false);
    assert.throws(() => verifyWebhookSignature(body, sig, ""), { code: "ERR_CONFIGURATION" });

    assert.throws(
      () => handleWebhook(tampered, sig, VERIFIER),
      (e: unknown) => {
        assert.ok(e instanceof WebhookSignatureError);
        assert.equal(e.code, "ERR_WEBHOOK_SIGNATURE");
        return true;
      },
    );
    assert.throws(() => handleWebhook(body, undefined, VERIFIER), {
      code: "ERR_WEBHOOK_SIGNATURE",
      message: "intuit-signature header is missing",
    });
    assert.equal(handleWebhook(body, sig, VERIFIER).length, 5);
  });
}

function withoutRaw(events: WebhookEvent[]) {
  return events.map(({ raw: _raw, eventId: _eventId, ...rest }) => rest);
}

test("legacy eventNotifications → normalised events, in order, with raw entities", async () => {
  const { body } = await deliver("legacy");
  const events = parseWebhook(body);
  assert.deepEqual(
    withoutRaw(events),
    NORMALISED.map((e) => ({ ...e, format: "legacy" })),
  );
  assert.deepEqual(events[0]?.raw, {
    name: "Customer",
    id: "1",
    operation: "Create",
    lastUpdated: "2015-10-05T14:42:19-0700",
  });
  assert.equal(events[0]?.eventId, undefined);
  assert.equal(events[2]?.raw["deletedId"], "8");
  assert.equal("deletedId" in (events[3]?.raw ?? {}), false);
});

test("CloudEvents array → the same normalised events, with the CloudEvent id", async () => {
  const { body } = await deliver("cloudevents");
  const events = parseWebhook(body.toString("utf8"));
  assert.deepEqual(
    withoutRaw(events),
    NORMALISED.map((e) => ({ ...e, format: "cloudevents" })),
  );
  for (const e of events) {
    // Production's form: <uuid>-<Entity>-<Id>
    assert.match(e.eventId ?? "", new RegExp(`^${UUID}-${e.entityName}-${e.entityId}$`));
    assert.equal(e.raw["id"], e.eventId);
    assert.equal(e.raw["specversion"], "1.0");
  }
  assert.equal(events[2]?.raw["type"], "qbo.purchaseorder.merged.v1");
  // data.deletedid on merges; no data otherwise (production's variants).
  assert.deepEqual(events[2]?.raw["data"], { deletedid: "8" });
  assert.deepEqual(
    events.map((e) => "data" in e.raw),
    [false, false, true, false, false],
  );
  assert.equal(events[4]?.raw["type"], "qbo.invoice.emailed.v1");
  for (const e of events) assert.match(String(e.raw["source"]), /^intuit\.[A-Za-z0-9_-]{43}$/);
});

test("the emulator's default times use production's formats, and parse back to the emulator clock", async () => {
  const untimed = EVENTS.map(({ occurredAt: _t, ...e }) => e);
  for (const format of ["legacy", "cloudevents"] as const) {
    const before = emu.clock.now();
    assert.equal(
      (await emu.sendWebhook({ url, verifierToken: VERIFIER, format, events: untimed })).status,
      200,
    );
    const body = deliveries.at(-1)?.body ?? Buffer.alloc(0);
    const events = parseWebhook(body);
    assert.equal(events.length, 5);
    for (const e of events) {
      const sent = String(e.format === "legacy" ? e.raw["lastUpdated"] : e.raw["time"]);
      if (format === "legacy") assert.match(sent, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d{4}$/);
      else assert.match(sent, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      const at = Date.parse(e.occurredAt);
      assert.ok(at >= Math.floor(before / 1000) * 1000 && at <= emu.clock.now(), `${sent} → ${e.occurredAt}`);
    }
  }
});

test("parseWebhook: a CloudEvents merge's data.deletedid becomes deletedId; absent data is fine", () => {
  const body = JSON.stringify([
    {
      specversion: "1.0",
      id: "0b1c8e52-1b1e-4c9f-9f53-5d8d5a1c2e3f-Customer-5",
      source: "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU",
      type: "qbo.customer.merged.v1",
      datacontenttype: "application/json",
      time: "2025-09-10T21:31:25.179851517Z",
      intuitentityid: "5",
      intuitaccountid: "310687",
      data: { deletedid: "6" },
    },
    {
      specversion: "1.0",
      id: "e2",
      type: "qbo.customer.updated.v1",
      time: "2025-09-10T21:31:26Z",
      intuitentityid: "5",
      intuitaccountid: "310687",
    },
  ]);
  assert.deepEqual(
    parseWebhook(body).map(({ raw: _raw, ...e }) => e),
    [
      {
        realmId: "310687",
        entityName: "Customer",
        entityId: "5",
        operation: "Merge",
        occurredAt: "2025-09-10T21:31:25.179Z",
        format: "cloudevents",
        eventId: "0b1c8e52-1b1e-4c9f-9f53-5d8d5a1c2e3f-Customer-5",
        deletedId: "6",
      },
      {
        realmId: "310687",
        entityName: "Customer",
        entityId: "5",
        operation: "Update",
        occurredAt: "2025-09-10T21:31:26.000Z",
        format: "cloudevents",
        eventId: "e2",
      },
    ],
  );
  // A number id is kept as its text, a non-id deletedid is refused, and data that is not an object
  // (CloudEvents allows any data) is left alone in raw.
  assert.equal(parseWebhook(body.replace('{"deletedid":"6"}', '{"deletedid":7}'))[0]?.deletedId, "7");
  assert.throws(
    () => parseWebhook(body.replace('{"deletedid":"6"}', '{"deletedid":{}}')),
    WebhookPayloadError,
  );
  for (const data of ["[1]", '"x"', "null", "{}"]) {
    const [merge] = parseWebhook(body.replace('{"deletedid":"6"}', data));
    assert.equal(merge?.deletedId, undefined, data);
    assert.deepEqual(merge?.raw["data"], JSON.parse(data));
  }
});

test("parseWebhook: Intuit's documented examples, deletedId, unknown actions and entities", () => {
  const legacy =
    '{"eventNotifications":[{"realmId":"310687","dataChangeEvent":{"entities":[{"name":"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"},{"name":"Vendor","id":"5","operation":"Merge","lastUpdated":"2015-10-05T14:42:19-0700","deletedId":"6"}]}}]}';
  const events = parseWebhook(legacy);
  assert.deepEqual(
    events.map(({ raw: _raw, ...e }) => e),
    [
      {
        realmId: "310687",
        entityName: "Customer",
        entityId: "1",
        operation: "Create",
        occurredAt: "2015-10-05T21:42:19.000Z",
        format: "legacy",
      },
      {
        realmId: "310687",
        entityName: "Vendor",
        entityId: "5",
        operation: "Merge",
        occurredAt: "2015-10-05T21:42:19.000Z",
        format: "legacy",
        deletedId: "6",
      },
    ],
  );
  const cloud =
    '[{"specversion":"1.0","id":"88cd52aa-1","source":"intuit.x","type":"qbo.account.created.v1","datacontenttype":"application/json","time":"2025-09-10T21:31:25.179851517Z","intuitentityid":"1234","intuitaccountid":"310687","data":{}},' +
    '{"specversion":"1.0","id":"e2","type":"qbo.time_activity.emailed.v1","time":"2025-09-10T21:31:26Z","intuitentityid":"9","intuitaccountid":"310687"},' +
    '{"specversion":"1.0","id":"e3","type":"qbo.fancything.archived.v2","time":"2025-09-10T21:31:27Z","intuitentityid":"10","intuitaccountid":"310687"}]';
  assert.deepEqual(
    parseWebhook(cloud).map(({ raw: _raw, ...e }) => e),
    [
      {
        realmId: "310687",
        entityName: "Account",
        entityId: "1234",
        operation: "Create",
        occurredAt: "2025-09-10T21:31:25.179Z",
        format: "cloudevents",
        eventId: "88cd52aa-1",
      },
      {
        realmId: "310687",
        entityName: "TimeActivity",
        entityId: "9",
        operation: "Emailed",
        occurredAt: "2025-09-10T21:31:26.000Z",
        format: "cloudevents",
        eventId: "e2",
      },
      {
        realmId: "310687",
        entityName: "Fancything",
        entityId: "10",
        operation: "Archived",
        occurredAt: "2025-09-10T21:31:27.000Z",
        format: "cloudevents",
        eventId: "e3",
      },
    ],
  );
  assert.deepEqual(parseWebhook("[]"), []);
  assert.deepEqual(parseWebhook('{"eventNotifications":[]}'), []);
  assert.deepEqual(
    parseWebhook('{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[]}}]}'),
    [],
  );
});

test("parseWebhook: malformed input is a WebhookPayloadError (ERR_WEBHOOK_PAYLOAD), never SyntaxError/TypeError", () => {
  const bad: unknown[] = [
    "",
    "not json",
    "{",
    "null",
    "42",
    '"text"',
    "{}",
    '{"eventNotifications":{}}',
    '{"eventNotifications":[null]}',
    '{"eventNotifications":[{"dataChangeEvent":{"entities":[]}}]}',
    '{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":{}}}]}',
    '{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[{"name":"Customer","operation":"Create","lastUpdated":"x"}]}}]}',
    '{"eventNotifications":[{"realmId":"1","dataChangeEvent":{"entities":[7]}}]}',
    "[1]",
    "[null]",
    '[{"type":"qbo"}]',
    '[{"type":"qbo.customer.created.v1","intuitaccountid":"1","time":"2025-01-01T00:00:00Z"}]',
    '[{"type":42,"intuitaccountid":"1","intuitentityid":"2","time":"t"}]',
    Buffer.from([0xff, 0xfe, 0x00]),
    undefined,
    42,
  ];
  for (const body of bad) {
    assert.throws(
      () => parseWebhook(body as string),
      (e: unknown) => e instanceof WebhookPayloadError && e.code === "ERR_WEBHOOK_PAYLOAD",
      String(body),
    );
  }
});

test("parseWebhook: a CloudEvents type naming an Object.prototype member is a WebhookPayloadError, not a prototype lookup", () => {
  const event = (type: string) =>
    JSON.stringify([
      {
        specversion: "1.0",
        id: "e1",
        type,
        time: "2025-09-10T21:31:25Z",
        intuitentityid: "1",
        intuitaccountid: "310687",
      },
    ]);
  for (const type of [
    "qbo.customer.__proto__.v1",
    "qbo.customer.constructor.v1",
    "qbo.customer.Constructor.v1",
    "qbo.customer.hasOwnProperty.v1",
    "qbo.customer.toString.v1",
    "qbo.customer.valueOf.v1",
    "qbo.__proto__.created.v1",
    "qbo.constructor.created.v1",
    "qbo.customer.__defineGetter__.v1",
    "qbo.customer.created$.v1",
  ]) {
    assert.throws(
      () => parseWebhook(event(type)),
      (e: unknown) => {
        assert.ok(e instanceof WebhookPayloadError, `${type}: got ${String(e)}`);
        assert.equal(e.code, "ERR_WEBHOOK_PAYLOAD");
        assert.match(e.message, /\[0\]\.type/);
        return true;
      },
      type,
    );
  }
  // Ordinary unknown actions and entities still pass through, as strings.
  const [archived] = parseWebhook(event("qbo.fancy_thing.archived.v2"));
  assert.equal(archived?.operation, "Archived");
  assert.equal(archived?.entityName, "FancyThing");
});

test("parseWebhook: a realm id that is not 1 to 32 digits is a WebhookPayloadError naming the field, never echoing a long value", () => {
  const legacy = (realmId: unknown) =>
    JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [] } }] });
  const cloud = (realmId: unknown) =>
    JSON.stringify([
      {
        specversion: "1.0",
        id: "e1",
        type: "qbo.customer.created.v1",
        time: "2025-09-10T21:31:25Z",
        intuitentityid: "1",
        intuitaccountid: realmId,
      },
    ]);
  const long = `realm-${"x".repeat(200)}`;
  for (const realmId of ["realm-1", "__proto__", "1".repeat(33), "-310687", "310687\n", "٣١٠", "", long]) {
    for (const [format, body, field] of [
      ["legacy", legacy(realmId), "realmId"],
      ["CloudEvents", cloud(realmId), "intuitaccountid"],
    ] as const) {
      assert.throws(
        () => parseWebhook(body),
        (e: unknown) => {
          assert.ok(e instanceof WebhookPayloadError, `${format} ${JSON.stringify(realmId)}: ${String(e)}`);
          assert.equal(e.code, "ERR_WEBHOOK_PAYLOAD");
          assert.match(e.message, new RegExp(field));
          assert.ok(!e.message.includes("x".repeat(50)), "a long value is not echoed");
          return true;
        },
      );
    }
  }
  // Numbers are accepted as Intuit may send them, and the longest realm id is fine.
  assert.equal(parseWebhook(legacy(310687))[0], undefined, "no entities: no events, and no error");
  assert.equal(parseWebhook(cloud("1".repeat(32)))[0]?.realmId, "1".repeat(32));
});
