// Conformance: stored data the store cannot trust. A corrupt record, or one copied under another
// realm's key/file/row, is refused on get, skipped by list and reported for its own realm only.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { UnreadableRecordError } from "../tokens/store-errors.js";
import { assertUnreadable } from "./assert-unreadable.js";
import { fullRecord, minimalRecord } from "./records.js";
import type { WithStore } from "./fixture.js";

const NO_RAW = "the store gives no raw access, so it cannot hold such data";

/** Listed realm ids, and the realm ids of the reported errors (sorted). */
async function listAndReports(store: {
  list(options?: { onUnreadable?: (e: UnreadableRecordError) => void }): Promise<{ realmId: string }[]>;
}): Promise<{ listed: string[]; reported: UnreadableRecordError[] }> {
  const reported: UnreadableRecordError[] = [];
  const listed = (await store.list({ onUnreadable: (e) => reported.push(e) })).map((r) => r.realmId);
  reported.sort((a, b) => (a.realmId < b.realmId ? -1 : a.realmId > b.realmId ? 1 : 0));
  return { listed, reported };
}

/** Registers the tests of bad and misplaced records. */
export function unreadableConformance(withStore: WithStore): void {
  test(
    "one bad record never breaks list(): it is skipped and reported for its own realm; get() throws",
    withStore(async (f, t) => {
      if (!f.writeRaw) return t.skip(NO_RAW);
      const plain = !process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
      const secrets = ["SECRET-AT-123", "SECRET-RT-456"];
      const bad: Record<string, [text: string, reason: string | undefined]> = {
        "4620816371": ["", plain ? "corrupt" : undefined],
        "4620816372": [
          '{"realmId":"4620816372","token":{"accessToken":"SECRET-AT-123"',
          plain ? "corrupt" : undefined,
        ],
        "4620816373": ["null", plain ? "corrupt" : undefined],
        "4620816374": [
          JSON.stringify({
            realmId: "4620816374",
            token: { accessToken: secrets[0], refreshToken: secrets[1] },
          }),
          plain ? "corrupt" : undefined,
        ],
        "4620816375": ["enc:v2:AAAA.BBBB.CCCC", undefined],
      };
      await f.store.set(minimalRecord("4620816361"));
      for (const [realmId, [text]] of Object.entries(bad)) await f.writeRaw(realmId, text);
      await f.store.set(minimalRecord("4620816380"));

      const { listed, reported } = await listAndReports(f.store);
      assert.deepEqual(listed, ["4620816361", "4620816380"]);
      assert.deepEqual(
        reported.map((e) => e.realmId),
        Object.keys(bad).sort(),
      );
      for (const e of reported)
        assertUnreadable(e, { realmId: e.realmId, reason: bad[e.realmId]?.[1], secrets });
      // Without a listener, list() still returns the good records.
      assert.deepEqual(await f.store.list(), [minimalRecord("4620816361"), minimalRecord("4620816380")]);
      for (const [realmId, [, reason]] of Object.entries(bad))
        await assert.rejects(f.store.get(realmId), (e) => assertUnreadable(e, { realmId, reason, secrets }));
      assert.deepEqual(await f.store.get("4620816361"), minimalRecord("4620816361"));
      // The bad record can be replaced by a good one.
      await f.store.set(minimalRecord("4620816372"));
      assert.deepEqual(await f.store.get("4620816372"), minimalRecord("4620816372"));
    }),
  );

  test(
    "a record copied under another realm's key, file or row is refused and never returned",
    withStore(async (f, t) => {
      if (!f.writeRaw || !f.readRaw) return t.skip(NO_RAW);
      const a = fullRecord("4620816381");
      await f.store.set(a);
      const raw = await f.readRaw("4620816381");
      assert.equal(typeof raw, "string");
      await f.writeRaw("4620816382", raw ?? "");
      const secrets = [a.token.accessToken, a.token.refreshToken];
      const reason = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] ? undefined : "realm_mismatch";
      await assert.rejects(f.store.get("4620816382"), (e) =>
        assertUnreadable(e, { realmId: "4620816382", reason, secrets }),
      );
      const { listed, reported } = await listAndReports(f.store);
      assert.deepEqual(listed, ["4620816381"]);
      assert.equal(reported.length, 1);
      assertUnreadable(reported[0], { realmId: "4620816382", reason, secrets });
      assert.deepEqual(await f.store.get("4620816381"), a);
    }),
  );
}
