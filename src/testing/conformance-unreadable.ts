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
        "bad-empty": ["", plain ? "corrupt" : undefined],
        "bad-json": [
          '{"realmId":"bad-json","token":{"accessToken":"SECRET-AT-123"',
          plain ? "corrupt" : undefined,
        ],
        "bad-null": ["null", plain ? "corrupt" : undefined],
        "bad-shape": [
          JSON.stringify({
            realmId: "bad-shape",
            token: { accessToken: secrets[0], refreshToken: secrets[1] },
          }),
          plain ? "corrupt" : undefined,
        ],
        "bad-enc": ["enc:v2:AAAA.BBBB.CCCC", undefined],
      };
      await f.store.set(minimalRecord("good-1"));
      for (const [realmId, [text]] of Object.entries(bad)) await f.writeRaw(realmId, text);
      await f.store.set(minimalRecord("good-2"));

      const { listed, reported } = await listAndReports(f.store);
      assert.deepEqual(listed, ["good-1", "good-2"]);
      assert.deepEqual(
        reported.map((e) => e.realmId),
        Object.keys(bad).sort(),
      );
      for (const e of reported)
        assertUnreadable(e, { realmId: e.realmId, reason: bad[e.realmId]?.[1], secrets });
      // Without a listener, list() still returns the good records.
      assert.deepEqual(await f.store.list(), [minimalRecord("good-1"), minimalRecord("good-2")]);
      for (const [realmId, [, reason]] of Object.entries(bad))
        await assert.rejects(f.store.get(realmId), (e) => assertUnreadable(e, { realmId, reason, secrets }));
      assert.deepEqual(await f.store.get("good-1"), minimalRecord("good-1"));
      // The bad record can be replaced by a good one.
      await f.store.set(minimalRecord("bad-json"));
      assert.deepEqual(await f.store.get("bad-json"), minimalRecord("bad-json"));
    }),
  );

  test(
    "a record copied under another realm's key, file or row is refused and never returned",
    withStore(async (f, t) => {
      if (!f.writeRaw || !f.readRaw) return t.skip(NO_RAW);
      const a = fullRecord("realm-a");
      await f.store.set(a);
      const raw = await f.readRaw("realm-a");
      assert.equal(typeof raw, "string");
      await f.writeRaw("realm-b", raw ?? "");
      const secrets = [a.token.accessToken, a.token.refreshToken];
      const reason = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] ? undefined : "realm_mismatch";
      await assert.rejects(f.store.get("realm-b"), (e) =>
        assertUnreadable(e, { realmId: "realm-b", reason, secrets }),
      );
      const { listed, reported } = await listAndReports(f.store);
      assert.deepEqual(listed, ["realm-a"]);
      assert.equal(reported.length, 1);
      assertUnreadable(reported[0], { realmId: "realm-b", reason, secrets });
      assert.deepEqual(await f.store.get("realm-a"), a);
    }),
  );
}
