// Webhooks are handled once across the fleet: the same delivery reaching 4 app-server processes at
// once (each with handleWebhookOnce on a shared StateStore) yields each event to exactly one of them,
// in both payload formats; a later redelivery yields nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
import type { StoreSpec } from "./fixtures/fleet-child.js";
import { reply, startChild, stopChildren, type StateStoreKind } from "./support.js";

const PROCESSES = 4;
const VERIFIER = "fleet-verifier-token";
const services = { redis: await redisUrl(), postgres: await postgresUrl() };

const CLOUD_EVENTS = JSON.stringify(
  ["1", "2", "3"].map((id) => ({
    specversion: "1.0",
    id: `88cd52aa-0000-4000-8000-00000000000${id}-Customer-${id}`,
    source: "intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=",
    type: "qbo.customer.updated.v1",
    datacontenttype: "application/json",
    time: "2025-09-10T21:31:25.179851517Z",
    intuitentityid: id,
    intuitaccountid: "310687",
    data: {},
  })),
);
const LEGACY = JSON.stringify({
  eventNotifications: [
    {
      realmId: "310687",
      dataChangeEvent: {
        entities: [
          { name: "Invoice", id: "7", operation: "Create", lastUpdated: "2015-10-05T14:42:19-0700" },
          { name: "Invoice", id: "7", operation: "Update", lastUpdated: "2015-10-05T14:45:00-0700" },
        ],
      },
    },
  ],
});
const EXPECTED = {
  cloudevents: ["310687/Customer/1/Update", "310687/Customer/2/Update", "310687/Customer/3/Update"],
  legacy: ["310687/Invoice/7/Create", "310687/Invoice/7/Update"],
};

interface Delivered {
  events: string[];
  duplicates: number;
}

function sign(body: string): string {
  return createHmac("sha256", VERIFIER).update(body).digest("base64");
}

for (const kind of ["file", "redis", "postgres"] as StateStoreKind[]) {
  const url = kind === "file" ? "file" : services[kind];
  test(
    `${kind}: one delivery reaching ${PROCESSES} processes at once → each event handled by exactly one`,
    { skip: requireOrSkip(url, kind) },
    async () => {
      const directory = mkdtempSync(join(tmpdir(), "intuit-webhooks-"));
      const spec: StoreSpec = {
        kind,
        url,
        directory,
        prefix: `${uniqueName("wh")}:`,
        table: uniqueName("wh"),
      };
      if (kind === "postgres") {
        const { PostgresStateStore } = await import("../../src/postgres.js");
        const store = new PostgresStateStore({ connectionString: url!, tableName: spec.table! });
        await store.migrate();
        await store.close();
      }
      let children: ChildProcess[] = [];
      try {
        children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild()));
        await Promise.all(
          children.map((c) => {
            const armed = reply(c, "armed");
            c.send({ type: "arm-webhook", store: spec });
            return armed;
          }),
        );
        const deliver = (body: string) =>
          Promise.all(
            children.map((c) => {
              const done = reply<Delivered>(c, "delivered");
              c.send({ type: "go-webhook", body, signature: sign(body), verifier: VERIFIER });
              return done;
            }),
          );
        for (const [format, body] of [
          ["cloudevents", CLOUD_EVENTS],
          ["legacy", LEGACY],
        ] as const) {
          const first = await deliver(body);
          const handled = first.flatMap((r) => r.events).sort();
          assert.deepEqual(handled, EXPECTED[format], `${format}: every event once, none twice`);
          const events = EXPECTED[format].length;
          assert.equal(
            first.reduce((n, r) => n + r.duplicates, 0),
            events * (PROCESSES - 1),
          );
          const again = await deliver(body);
          assert.deepEqual(
            again.flatMap((r) => r.events),
            [],
            `${format}: a redelivery is dropped everywhere`,
          );
        }
      } finally {
        await stopChildren(children);
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
}
