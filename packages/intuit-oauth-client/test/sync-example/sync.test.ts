// examples/sync against the emulator and a real PostgreSQL: an initial load, webhooks with some lost
// on purpose, downtime, CDC catch-up (also over CDC's cap, and after more than 30 days), and the
// mirror must then equal the emulator's company exactly: every entity, version and field.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { quickbooks, type EntityName, type QuickBooksClient, type WebhookEvent } from "../../src/index.js";
import type { EmulatedWebhookEvent } from "../../../intuit-oauth-client-emulator/src/index.js";
import { PostgresMirror, type MirroredRow } from "../../../../examples/sync/mirror.js";
import { webhookReceiver, type WebhookReceiver } from "../../../../examples/sync/receiver.js";
import { CompanySync } from "../../../../examples/sync/sync.js";
import { MISSING_VERIFIER_TOKEN } from "../../../../examples/webhooks/verifier-token.js";
import { connected, type Connected } from "../api/helpers.js";
import { startOutcome } from "../support/example-process.js";
import { postgresUrl, requireOrSkip, uniqueName } from "../support/services.js";

const url = await postgresUrl();
const skip = requireOrSkip(url, "PostgreSQL");
const ENTITIES: EntityName[] = ["Customer", "Vendor", "Invoice", "Payment"];
const VERIFIER = "sync-example-verifier";
const LINE = [{ Amount: 10, DetailType: "SalesItemLineDetail" as const, SalesItemLineDetail: {} }];
const DAY = 24 * 60 * 60 * 1000;

let pool: pg.Pool;
const mirrors: PostgresMirror[] = [];
before(() => {
  if (url) pool = new pg.Pool({ connectionString: url, max: 4 });
});
after(async () => {
  for (const m of mirrors) await m.drop();
  await pool?.end();
});

interface Setup {
  c: Connected;
  qb: QuickBooksClient;
  mirror: PostgresMirror;
  sync: CompanySync;
  close(): Promise<void>;
}

async function setup(
  options: Parameters<typeof connected>[0] = {},
  clockFromEmulator = false,
): Promise<Setup> {
  const c = await connected({
    apiLimits: { batchPerMinute: 1000, batchPerMinutePerRealm: 1000 },
    ...options,
  });
  const qb = quickbooks(c.tokens, c.realmId, clockFromEmulator ? { clock: () => c.emu.clock.now() } : {});
  const mirror = new PostgresMirror(pool, uniqueName("sync").toLowerCase());
  mirrors.push(mirror);
  await mirror.ensureSchema();
  return {
    c,
    qb,
    mirror,
    sync: new CompanySync({
      qb,
      mirror,
      entities: ENTITIES,
      ...(options.cdcMaxObjects ? { cdcMaxObjects: options.cdcMaxObjects } : {}),
    }),
    close: () => c.emu.close(),
  };
}

/** The emulator's company, as the mirror should hold it. */
function truth(c: Connected): MirroredRow[] {
  const all = c.emu.entities(c.realmId);
  return ENTITIES.flatMap((entity) =>
    (all[entity] ?? []).map((data) => ({
      entity,
      id: String(data["Id"]),
      syncToken: Number(data["SyncToken"]),
      data,
    })),
  ).sort(byKey);
}

function byKey(a: MirroredRow, b: MirroredRow): number {
  return a.entity.localeCompare(b.entity) || Number(a.id) - Number(b.id);
}

async function mirrored(s: Setup): Promise<MirroredRow[]> {
  return (await s.mirror.rows(s.c.realmId)).sort(byKey);
}

async function seedCompany(qb: QuickBooksClient): Promise<void> {
  const results = await qb.batch([
    ...Array.from({ length: 8 }, (_, i) => ({
      operation: "create" as const,
      entity: "Customer" as const,
      body: { DisplayName: `Mirror Customer ${i}` },
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      operation: "create" as const,
      entity: "Vendor" as const,
      body: { DisplayName: `Mirror Vendor ${i}` },
    })),
    ...Array.from({ length: 10 }, (_, i) => ({
      operation: "create" as const,
      entity: "Invoice" as const,
      body: { DocNumber: `M-${i}`, CustomerRef: { value: String((i % 5) + 1) }, Line: LINE },
    })),
  ]);
  assert.ok(results.every((r) => r.ok));
  const c = await qb.read("Customer", "3");
  await qb.update("Customer", { Id: "3", SyncToken: c.SyncToken as string, Active: false }); // inactive, still mirrored
}

async function receiverOn(
  sync: CompanySync,
): Promise<{ receiver: WebhookReceiver; url: string; server: Server }> {
  const receiver = webhookReceiver({ verifierToken: VERIFIER, apply: (events) => sync.applyWebhook(events) });
  const server = createServer((req, res) => receiver.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { receiver, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks` };
}

test(
  "initial load, webhooks with every third one lost, downtime, CDC catch-up: the mirror equals the company exactly",
  { skip },
  async () => {
    const s = await setup();
    const { c, qb, sync, mirror } = s;
    const hook = await receiverOn(sync);
    try {
      await seedCompany(qb);
      const load = await sync.initialLoad();
      assert.equal(load.upserted, 5 + 8 + 3 + 10);
      assert.deepEqual(await mirrored(s), truth(c));

      // Changes, each announced by a webhook, but every third delivery is lost.
      const events: EmulatedWebhookEvent[] = [];
      const event = (entityName: string, entityId: string, operation: EmulatedWebhookEvent["operation"]) =>
        events.push({ realmId: c.realmId, entityName, entityId, operation });
      const x = await qb.create("Customer", { DisplayName: "Webhook Customer" });
      event("Customer", x.Id as string, "Create");
      const one = await qb.read("Customer", "1");
      await qb.update("Customer", {
        Id: "1",
        SyncToken: one.SyncToken as string,
        Notes: "updated by webhook test",
      });
      event("Customer", "1", "Update");
      const inv = await qb.create("Invoice", { DocNumber: "W-1", CustomerRef: { value: "2" }, Line: LINE });
      event("Invoice", inv.Id as string, "Create");
      await qb.update("Invoice", { Id: inv.Id as string, SyncToken: "0", PrivateNote: "first edit" });
      event("Invoice", inv.Id as string, "Update");
      await qb.delete("Invoice", { Id: "1001", SyncToken: "0" });
      event("Invoice", "1001", "Delete");
      const v = await qb.read("Vendor", "1");
      await qb.update("Vendor", { Id: v?.Id as string, SyncToken: v?.SyncToken as string, Active: false });
      event("Vendor", v?.Id as string, "Update");
      const pay = await qb.create("Payment", { CustomerRef: { value: "2" }, TotalAmt: 10 });
      event("Payment", pay.Id as string, "Create");
      await qb.delete("Invoice", { Id: "1002", SyncToken: "0" });
      event("Invoice", "1002", "Delete");
      const y = await qb.create("Customer", { DisplayName: "Webhook Customer Two" });
      event("Customer", y.Id as string, "Create");
      await qb.update("Payment", { Id: pay.Id as string, SyncToken: "0", TotalAmt: 12 });
      event("Payment", pay.Id as string, "Update");
      // Created and deleted before its webhook is processed: the read answers 610, the row is a tombstone.
      const brief = await qb.create("Invoice", { DocNumber: "W-2", CustomerRef: { value: "1" }, Line: LINE });
      await qb.delete("Invoice", { Id: brief.Id as string, SyncToken: "0" });
      event("Invoice", brief.Id as string, "Create");

      let lost = 0;
      for (const [i, e] of events.entries()) {
        if (i % 3 === 1) {
          lost++;
          continue;
        }
        const delivery = await c.emu.sendWebhook({
          url: hook.url,
          verifierToken: VERIFIER,
          format: i % 2 ? "cloudevents" : "legacy",
          events: [e],
        });
        assert.equal(delivery.status, 200);
      }
      assert.equal(lost, 4);
      // A forged delivery is refused and changes nothing.
      assert.equal(
        (await c.emu.sendWebhook({ url: hook.url, verifierToken: "wrong", format: "legacy", events })).status,
        401,
      );
      await hook.receiver.idle();
      const afterHooks = await mirrored(s);
      assert.notDeepEqual(afterHooks, truth(c), "the lost webhooks left the mirror behind");
      assert.ok(
        afterHooks.some((r) => r.entity === "Customer" && r.data["DisplayName"] === "Webhook Customer"),
      );

      // Downtime: changes nobody announces.
      c.emu.advanceClock(2 * 60 * 60 * 1000);
      await qb.create("Customer", { DisplayName: "While Away" });
      const i3 = await qb.read("Invoice", "1003");
      await qb.update("Invoice", {
        Id: "1003",
        SyncToken: i3.SyncToken as string,
        PrivateNote: "changed while away",
      });
      const i4 = await qb.read("Invoice", "1004");
      await qb.delete("Invoice", { Id: "1004", SyncToken: i4.SyncToken as string });

      const report = await sync.catchUp();
      assert.deepEqual(report.reconciled, []);
      assert.ok(report.upserted > 0 && report.deleted > 0, JSON.stringify(report));
      assert.deepEqual(await mirrored(s), truth(c));

      // Idempotent: catching up again, replaying webhooks (the deleted invoices read back as 610 and
      // stay tombstones), or an older version arriving late changes nothing.
      const again = await sync.catchUp();
      assert.equal(again.upserted, 0);
      await sync.applyWebhook(
        events.map((e) => ({
          ...e,
          occurredAt: new Date().toISOString(),
          format: "legacy" as const,
          raw: {},
        })),
      );
      assert.equal(await mirror.upsert(c.realmId, "Customer", { ...one }), false);
      assert.deepEqual(await mirrored(s), truth(c));
    } finally {
      hook.server.close();
      await s.close();
    }
  },
);

/** A webhook event as the receiver hands it over, for `applyWebhook` directly. */
const hookEvent = (
  realmId: string,
  entityName: string,
  entityId: string,
  operation: WebhookEvent["operation"],
) =>
  ({
    realmId,
    entityName,
    entityId,
    operation,
    occurredAt: new Date().toISOString(),
    format: "legacy",
    raw: {},
  }) as const;

test(
  "a forged Delete (validly signed, for a live invoice) removes nothing, and after catch-up the row is still there",
  { skip },
  async () => {
    const s = await setup();
    const { c, qb, sync, mirror } = s;
    const hook = await receiverOn(sync);
    try {
      await seedCompany(qb);
      await sync.initialLoad();
      // Whoever holds the verifier token (before the fix: anyone, it was a public default) says 1003 is gone.
      const forged = {
        realmId: c.realmId,
        entityName: "Invoice",
        entityId: "1003",
        operation: "Delete" as const,
      };
      const delivery = await c.emu.sendWebhook({
        url: hook.url,
        verifierToken: VERIFIER,
        format: "legacy",
        events: [forged],
      });
      assert.equal(delivery.status, 200);
      await hook.receiver.idle();
      assert.ok(
        (await mirror.liveIds(c.realmId, "Invoice")).has("1003"),
        "the read-back contradicted the Delete",
      );
      // A real Delete, announced the same way, is confirmed by the read (610) and tombstones at once.
      await qb.delete("Invoice", { Id: "1004", SyncToken: "0" });
      await c.emu.sendWebhook({
        url: hook.url,
        verifierToken: VERIFIER,
        format: "cloudevents",
        events: [{ ...forged, entityId: "1004" }],
      });
      await hook.receiver.idle();
      assert.equal((await mirror.liveIds(c.realmId, "Invoice")).has("1004"), false);
      c.emu.advanceClock(2 * 60_000);
      await sync.catchUp();
      assert.deepEqual(await mirrored(s), truth(c));
    } finally {
      hook.server.close();
      await s.close();
    }
  },
);

test(
  "a tombstone that a read, CDC or a listing contradicts is undone: the row comes back",
  { skip },
  async () => {
    const s = await setup({ cdcMaxObjects: 10 });
    const { c, qb, sync, mirror } = s;
    try {
      await seedCompany(qb);
      c.emu.advanceClock(2 * 60_000);
      await sync.initialLoad();
      // Wrong tombstones, as a forged Delete left them before this fix: all three rows are live at Intuit.
      for (const [entity, id] of [
        ["Customer", "2"],
        ["Invoice", "1005"],
        ["Vendor", "1"],
      ] as const)
        await mirror.markDeleted(c.realmId, entity, id, new Date().toISOString());
      assert.notDeepEqual(await mirrored(s), truth(c));

      // A read: any webhook about the customer (here an Update with no change) reads it back live.
      const read = await sync.applyWebhook([hookEvent(c.realmId, "Customer", "2", "Update")]);
      assert.deepEqual(read, { upserted: 1, deleted: 0, reconciled: [] });
      // CDC: the invoice changes, and catch-up sees it live.
      c.emu.advanceClock(5_000);
      const inv = await qb.read("Invoice", "1005");
      await qb.update("Invoice", {
        Id: "1005",
        SyncToken: inv.SyncToken as string,
        PrivateNote: "still here",
      });
      const cdc = await sync.catchUp();
      assert.deepEqual(cdc.reconciled, []);
      assert.ok(cdc.upserted >= 1, JSON.stringify(cdc));
      const vendors = await mirror.liveIds(c.realmId, "Vendor");
      assert.equal(vendors.has("1"), false, "the unchanged vendor waits for a listing");
      // A listing: over CDC's cap the vendors are re-listed, and the vendor is there.
      for (let i = 0; i < 12; i++) {
        c.emu.advanceClock(10_000);
        await qb.create("Vendor", { DisplayName: `Listed Vendor ${i}` });
      }
      const listed = await sync.catchUp();
      assert.deepEqual(listed.reconciled, ["Vendor"]);
      assert.deepEqual(await mirrored(s), truth(c));
      // A tombstone keeps the version it hid: a copy older than that, arriving late, does not undo it.
      await mirror.markDeleted(c.realmId, "Invoice", "1005");
      assert.equal(await mirror.upsert(c.realmId, "Invoice", { ...inv }), false);
    } finally {
      await s.close();
    }
  },
);

test(
  "catch-up over CDC's cap: deletions CDC cannot list are found by reconciling, and the mirror converges",
  { skip },
  async () => {
    const s = await setup({ cdcMaxObjects: 10 });
    const { c, qb, sync } = s;
    try {
      await seedCompany(qb);
      c.emu.advanceClock(2 * 60_000); // so catch-up's safety margin does not reach back to the seeding
      await sync.initialLoad();
      c.emu.advanceClock(5_000);
      // Early in the window: deletions of invoices the mirror holds; then far more than 10 changes.
      for (const id of ["1001", "1002", "1003"]) await qb.delete("Invoice", { Id: id, SyncToken: "0" });
      for (let i = 0; i < 14; i++) {
        c.emu.advanceClock(10_000);
        await qb.create("Invoice", { DocNumber: `CAP-${i}`, CustomerRef: { value: "1" }, Line: LINE });
      }
      const report = await sync.catchUp();
      assert.deepEqual(report.reconciled, ["Invoice"]);
      assert.deepEqual(await mirrored(s), truth(c));
    } finally {
      await s.close();
    }
  },
);

test(
  "back after more than 30 days: CDC cannot reach, so everything is re-listed and reconciled",
  { skip },
  async () => {
    const s = await setup({}, true);
    const { c, qb, sync } = s;
    try {
      await seedCompany(qb);
      await sync.initialLoad();
      c.emu.advanceClock(31 * DAY);
      await qb.create("Customer", { DisplayName: "A Month Later" });
      await qb.delete("Invoice", { Id: "1005", SyncToken: "0" });
      const report = await sync.catchUp();
      assert.deepEqual(report.reconciled, ENTITIES);
      assert.equal(report.deleted, 1);
      assert.deepEqual(await mirrored(s), truth(c));
    } finally {
      await s.close();
    }
  },
);

test(
  "examples/sync/main.ts runs against its in-process emulator and mirrors the company",
  { skip, timeout: 60_000 },
  async () => {
    const prefix = uniqueName("syncmain").toLowerCase();
    const child = spawn(process.execPath, ["--import", "tsx", "examples/sync/main.ts"], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        PORT: "0",
        SYNC_TABLE_PREFIX: prefix,
        INTUIT_CLIENT_ID: "",
        INTUIT_WEBHOOK_VERIFIER_TOKEN: "", // the emulator run needs none
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    mirrors.push(new PostgresMirror(pool, prefix));
    let out = "";
    child.stdout.setEncoding("utf8");
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: string) => {
        out += chunk;
        if (/Listening for QuickBooks webhooks on http:\/\/127\.0\.0\.1:\d+\/webhooks/.test(out)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`main.ts exited with ${code}: ${out}`)));
    });
    // 5 seeded customers, the vendor and the invoice it makes.
    assert.match(out, /Mirrored company \d+: 7 rows written, 0 deleted/);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    const rows = await pool.query<{ n: string }>(`select count(*) as n from ${prefix}_entities`);
    assert.equal(rows.rows[0]?.n, "7");
  },
);

test("examples/sync/main.ts with a real app refuses to start without INTUIT_WEBHOOK_VERIFIER_TOKEN", async () => {
  // Everything else a real run needs is set (all on 127.0.0.1, where nothing answers): the check
  // comes first, so nothing is contacted and nothing listens.
  const run = await startOutcome(
    "examples/sync/main.ts",
    {
      DATABASE_URL: "postgres://127.0.0.1:1/none",
      INTUIT_CLIENT_ID: "ABexampleclient",
      INTUIT_CLIENT_SECRET: "example-secret",
      INTUIT_REDIRECT_URI: "http://localhost:3000/callback",
      INTUIT_ENVIRONMENT: "http://127.0.0.1:1/.well-known/openid_configuration",
      INTUIT_REALM_ID: "9130350000000000",
      PORT: "0",
    },
    /Listening/,
  );
  assert.equal(run.listening, false, run.stdout);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stderr, `${MISSING_VERIFIER_TOKEN}\n`);
});
