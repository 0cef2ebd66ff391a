// A callback is exchanged once across the fleet: the same callback URL delivered to 4 app-server
// processes at once, each with its own AuthClient on a shared StateStore (file directory, Redis,
// PostgreSQL). Exactly one token request reaches the emulator; the three others are refused first.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Scopes } from "../../src/index.js";
import { emulatorSession } from "../support/emulator-session.js";
import { postgresUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";
import type { StoreSpec } from "./fixtures/fleet-child.js";
import { reply, startChild, stopChildren, type StateStoreKind } from "./support.js";

const PROCESSES = 4;
const services = { redis: await redisUrl(), postgres: await postgresUrl() };

interface Exchanged {
  ok: boolean;
  code?: string;
  reason?: string;
  realmId?: string;
}

for (const kind of ["file", "redis", "postgres"] as StateStoreKind[]) {
  const url = kind === "file" ? "file" : services[kind];
  test(
    `${kind}: one callback delivered to ${PROCESSES} processes at once → one token request, ${PROCESSES - 1} state_reused`,
    { skip: requireOrSkip(url, kind) },
    async () => {
      const directory = mkdtempSync(join(tmpdir(), "intuit-states-"));
      const spec: StoreSpec = {
        kind,
        url,
        directory,
        prefix: `${uniqueName("st")}:`,
        table: uniqueName("st"),
      };
      if (kind === "postgres") {
        const { PostgresStateStore } = await import("../../src/postgres.js");
        const store = new PostgresStateStore({ connectionString: url!, tableName: spec.table! });
        await store.migrate();
        await store.close();
      }
      const s = await emulatorSession();
      let children: ChildProcess[] = [];
      try {
        children = await Promise.all(Array.from({ length: PROCESSES }, () => startChild()));
        const client = {
          clientId: s.emu.defaultClient.clientId,
          clientSecret: s.emu.defaultClient.clientSecret,
          redirectUri: s.emu.defaultClient.redirectUri,
          discoveryUrl: s.emu.discoveryUrl,
        };
        await Promise.all(
          children.map((c) => {
            const armed = reply(c, "armed");
            c.send({ type: "arm-callback", store: spec, client });
            return armed;
          }),
        );
        const request = s.authClient.createAuthorizationRequest([Scopes.Accounting, Scopes.OpenId]);
        const res = await fetch(request.url, { redirect: "manual" });
        const location = res.headers.get("location");
        assert.ok(location, `authorize answered ${res.status}`);
        const before = s.emu.counters().token;
        const results = await Promise.all(
          children.map((c) => {
            const done = reply<Exchanged>(c, "exchanged");
            c.send({ type: "go-callback", url: location, expectedState: request.state });
            return done;
          }),
        );
        assert.equal(s.emu.counters().token - before, 1, "exactly one token request");
        const ok = results.filter((r) => r.ok);
        assert.equal(ok.length, 1);
        assert.match(ok[0]?.realmId ?? "", /^\d+$/);
        assert.deepEqual(
          results.filter((r) => !r.ok).map((r) => [r.code, r.reason]),
          Array.from({ length: PROCESSES - 1 }, () => ["ERR_CALLBACK", "state_reused"]),
        );
      } finally {
        await stopChildren(children);
        await s.close();
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
}
