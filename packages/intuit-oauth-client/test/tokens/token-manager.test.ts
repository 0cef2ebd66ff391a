// TokenManager guarantees, each against the emulator: single flight, nothing lost, invalid_grant
// final, absolute times, margins, hard-expiry warnings, crashed lock holders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FileTokenStore,
  InvalidRealmIdError,
  MemoryTokenStore,
  NetworkError,
  ReauthorizationRequiredError,
  TokenManager,
  TokenNotFoundError,
  TokenStoreError,
  type TokenRecord,
  type TokenStore,
} from "../../src/index.js";
import { emulatorSession } from "../support/emulator-session.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test("concurrent getAccessToken calls make exactly one refresh request", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.resetCounters();
  // Fresh token: no refresh at all.
  const same = await Promise.all(Array.from({ length: 100 }, () => tokens.getAccessToken(token.realmId!)));
  assert.deepEqual(new Set(same), new Set([token.accessToken]));
  assert.equal(s.emu.counters().token, 0);
  s.emu.advanceClock(HOUR);
  const results = await Promise.all(Array.from({ length: 500 }, () => tokens.getAccessToken(token.realmId!)));
  assert.equal(s.emu.counters().token, 1);
  assert.equal(new Set(results).size, 1);
  assert.notEqual(results[0], token.accessToken);
  assert.equal(s.emu.isAccessTokenValid(results[0]!), true);
});

test("refreshes within the margin (default 5 minutes) and not before", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const store = new MemoryTokenStore();
  const tokens = new TokenManager({ authClient: s.authClient, store });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.resetCounters();
  s.emu.advanceClock(HOUR - 6 * 60_000);
  assert.equal((await tokens.get(token.realmId!))?.status, "valid");
  assert.equal(await tokens.getAccessToken(token.realmId!), token.accessToken);
  assert.equal(s.emu.counters().token, 0);
  s.emu.advanceClock(2 * 60_000);
  assert.equal((await tokens.get(token.realmId!))?.status, "needs-refresh");
  assert.notEqual(await tokens.getAccessToken(token.realmId!), token.accessToken);
  assert.equal(s.emu.counters().token, 1);
  const custom = new TokenManager({ authClient: s.authClient, store, refreshMarginMs: 60_000 });
  s.emu.advanceClock(HOUR - 2 * 60_000);
  assert.equal((await custom.get(token.realmId!))?.status, "valid");
  assert.equal((await tokens.get(token.realmId!))?.status, "needs-refresh");
});

test("the new refresh token is persisted before any caller receives the new access token", async (t) => {
  const s = await emulatorSession({ rotateAfter: 0 });
  t.after(() => s.close());
  const events: string[] = [];
  const inner = new MemoryTokenStore();
  const store: TokenStore = {
    get: (r) => inner.get(r),
    list: () => inner.list(),
    delete: (r) => inner.delete(r),
    tryLock: (r, l) => inner.tryLock(r, l),
    unlock: (r, o) => inner.unlock(r, o),
    async set(record) {
      events.push(`set-start:${record.token.refreshToken}`);
      await new Promise((r) => setTimeout(r, 100));
      await inner.set(record);
      events.push(`set-end:${record.token.refreshToken}`);
    },
  };
  const tokens = new TokenManager({ authClient: s.authClient, store });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  events.length = 0;
  s.emu.advanceClock(HOUR);
  const fresh = await tokens.getToken(token.realmId!);
  events.push("resolved");
  assert.notEqual(fresh.refreshToken, token.refreshToken, "strict emulator rotates on every refresh");
  assert.deepEqual(events, [`set-start:${fresh.refreshToken}`, `set-end:${fresh.refreshToken}`, "resolved"]);
});

test("if persisting fails the caller gets the error, the previous set stays, and the next call recovers", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const inner = new MemoryTokenStore();
  let failWrites = false;
  const store: TokenStore = Object.assign(Object.create(inner) as TokenStore, {
    get: (r: string) => inner.get(r),
    list: () => inner.list(),
    delete: (r: string) => inner.delete(r),
    tryLock: (r: string, l: number) => inner.tryLock(r, l),
    unlock: (r: string, o: string) => inner.unlock(r, o),
    set: async (record: TokenRecord) => {
      if (failWrites) throw new TokenStoreError("disk full");
      await inner.set(record);
    },
  });
  const tokens = new TokenManager({ authClient: s.authClient, store });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.advanceClock(25 * HOUR); // past rotateAfter: the refresh returns a new value
  failWrites = true;
  await assert.rejects(tokens.getAccessToken(token.realmId!), TokenStoreError);
  const kept = await inner.get(token.realmId!);
  assert.equal(kept?.token.refreshToken, token.refreshToken);
  assert.equal(kept?.token.accessToken, token.accessToken);
  failWrites = false;
  // Intuit keeps the superseded refresh token valid for 24 h, so the same one works again.
  const access = await tokens.getAccessToken(token.realmId!);
  assert.equal(s.emu.isAccessTokenValid(access), true);
  assert.notEqual((await inner.get(token.realmId!))?.token.refreshToken, token.refreshToken);
});

test("a lost refresh response keeps the stored refresh token, and the next attempt retries it", async (t) => {
  const s = await emulatorSession({}, { retry: false });
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.advanceClock(25 * HOUR);
  s.emu.resetCounters();
  s.emu.injectFault("token", { type: "resetAfterRead" }, 1);
  const err = await tokens.getAccessToken(token.realmId!).then(
    () => assert.fail("expected a network error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof NetworkError);
  assert.equal(err.requestMayHaveBeenSent, true);
  assert.equal((await tokens.get(token.realmId!))?.token.refreshToken, token.refreshToken);
  const access = await tokens.getAccessToken(token.realmId!);
  assert.equal(s.emu.counters().token, 2);
  assert.equal(s.emu.isAccessTokenValid(access), true);
});

test("invalid_grant marks the realm, raises one event, and stops further refresh attempts until save()", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const seen: Array<[string, ReauthorizationRequiredError]> = [];
  tokens.on("reauthorizationRequired", (realmId, error) => seen.push([realmId, error]));
  const token = await s.connect();
  const realmId = token.realmId!;
  await tokens.save(realmId, token);
  await s.authClient.revoke(token.refreshToken, { updateClient: false });
  s.emu.advanceClock(HOUR);
  s.emu.resetCounters();
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => tokens.getAccessToken(realmId)));
  for (const r of results) {
    assert.equal(r.status, "rejected");
    assert.ok(r.reason instanceof ReauthorizationRequiredError);
    assert.equal(r.reason.reason, "invalid_grant");
  }
  assert.equal(s.emu.counters().token, 1);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]![0], realmId);
  const info = await tokens.get(realmId);
  assert.equal(info?.status, "reauthorization-required");
  assert.equal(info?.reason, "invalid_grant");
  assert.equal(info?.error, "invalid_grant");
  // The emulator clock is real time plus an offset, so `since` is close to now, not equal.
  assert.ok(Math.abs(info!.since! - s.emu.clock.now()) < 5_000);
  assert.ok(info!.since! > token.receivedAt);
  for (let i = 0; i < 5; i++)
    await assert.rejects(tokens.getAccessToken(realmId), ReauthorizationRequiredError);
  await assert.rejects(tokens.refresh(realmId), ReauthorizationRequiredError);
  assert.equal(s.emu.counters().token, 1, "no further refresh requests");
  const again = await s.connect();
  await tokens.save(realmId, again);
  assert.equal((await tokens.get(realmId))?.status, "valid");
  assert.equal(await tokens.getAccessToken(realmId), again.accessToken);
});

test("an expired rolling refresh window needs reconnection without any request", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const events: string[] = [];
  tokens.on("reauthorizationRequired", (realmId, error) => events.push(`${realmId}:${error.reason}`));
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.resetCounters();
  s.emu.advanceClock(token.refreshTokenExpiresAt - s.emu.clock.now() + 1);
  const err = await tokens.getAccessToken(token.realmId!).catch((e: unknown) => e);
  assert.ok(err instanceof ReauthorizationRequiredError);
  assert.equal(err.reason, "refresh_token_expired");
  await assert.rejects(tokens.getAccessToken(token.realmId!), ReauthorizationRequiredError);
  assert.equal(s.emu.counters().token, 0);
  assert.deepEqual(events, [`${token.realmId}:refresh_token_expired`], "raised once");
  assert.equal((await tokens.store.get(token.realmId!))?.reauthorization?.reason, "refresh_token_expired");
});

test("hardExpiryApproaching fires at 30 and 7 days, once each, and hard expiry needs reconnection", async (t) => {
  const s = await emulatorSession({ hardLifetime: 31 * 86_400 }, { includeRefreshTokenHardExpiresIn: true });
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const warnings: Array<[string, number]> = [];
  tokens.on("hardExpiryApproaching", (realmId, days) => warnings.push([realmId, days]));
  const token = await s.connect();
  const realmId = token.realmId!;
  assert.equal(typeof token.refreshTokenHardExpiresAt, "number");
  await tokens.save(realmId, token);
  assert.deepEqual(warnings, [[realmId, 30]]);
  s.emu.advanceClock(HOUR);
  await tokens.getAccessToken(realmId);
  assert.equal(warnings.length, 1);
  s.emu.advanceClock(23 * DAY);
  await tokens.getAccessToken(realmId);
  assert.deepEqual(warnings, [
    [realmId, 30],
    [realmId, 7],
  ]);
  s.emu.advanceClock(HOUR);
  await tokens.getAccessToken(realmId);
  assert.equal(warnings.length, 2);
  s.emu.advanceClock(8 * DAY);
  const err = await tokens.getAccessToken(realmId).catch((e: unknown) => e);
  assert.ok(err instanceof ReauthorizationRequiredError);
  assert.equal(err.reason, "refresh_token_hard_expired");
});

test("a crashed lock holder blocks only until its lease expires", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const store = new MemoryTokenStore();
  const tokens = new TokenManager({ authClient: s.authClient, store, lockLeaseMs: 400 });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  const crashed = await store.tryLock(token.realmId!, 400); // never released
  assert.equal(typeof crashed, "string");
  s.emu.advanceClock(HOUR);
  const started = Date.now();
  const access = await tokens.getAccessToken(token.realmId!);
  assert.ok(Date.now() - started >= 300, "waited for the lease");
  assert.equal(s.emu.isAccessTokenValid(access), true);
});

test("get, list, delete, revoke and unknown realms", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  await assert.rejects(tokens.getAccessToken("4620816399"), TokenNotFoundError);
  assert.equal(await tokens.get("4620816399"), undefined);
  const a = await s.connect();
  await tokens.save(a.realmId!, a);
  await tokens.save("4620816398", { ...a, realmId: "4620816398" });
  assert.deepEqual((await tokens.list()).map((i) => [i.realmId, i.status]).sort(), [
    ["4620816398", "valid"],
    [a.realmId, "valid"],
  ]);
  await tokens.delete("4620816398");
  assert.deepEqual(
    (await tokens.list()).map((i) => i.realmId),
    [a.realmId],
  );
  s.emu.resetCounters();
  await tokens.revoke(a.realmId!);
  assert.equal(s.emu.counters().revoke, 1);
  assert.equal(s.emu.isAccessTokenValid(a.accessToken), false);
  assert.equal(await tokens.get(a.realmId!), undefined);
});

test("refreshDue refreshes every expiring realm with bounded concurrency", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient, maxConcurrentRefreshes: 3 });
  for (let i = 0; i < 12; i++) {
    const token = await s.connect();
    // Twelve grants of the emulator's one company, stored as twelve realms of their own (a set
    // with no realm is an unproven one: the test says so explicitly).
    await tokens.save(
      `${token.realmId}${String(i).padStart(2, "0")}`,
      { ...token, realmId: undefined, realmIdVerified: undefined },
      { allowUnverifiedRealm: true },
    );
  }
  s.emu.resetCounters();
  s.emu.advanceClock(HOUR);
  const result = await tokens.refreshDue();
  assert.equal(result.refreshed.length, 12);
  assert.deepEqual(result.failed, []);
  assert.equal(s.emu.counters().token, 12);
  assert.ok(tokens.peakConcurrentRefreshes <= 3);
  assert.equal(tokens.peakConcurrentRefreshes, 3);
});

test("an explicit refresh after a 401 is skipped when another caller already replaced the token", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const tokens = new TokenManager({ authClient: s.authClient });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  s.emu.resetCounters();
  const first = await tokens.refresh(token.realmId!, { rejectedAccessToken: token.accessToken });
  const second = await tokens.refresh(token.realmId!, { rejectedAccessToken: token.accessToken });
  assert.equal(second.accessToken, first.accessToken);
  assert.equal(s.emu.counters().token, 1);
});

test("refreshDue and list() carry on past unreadable records, and report each for its own realm", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  const dir = mkdtempSync(join(tmpdir(), "intuit-manager-unreadable-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const tokens = new TokenManager({
    authClient: s.authClient,
    store: new FileTokenStore({ directory: dir }),
  });
  const token = await s.connect();
  await tokens.save(token.realmId!, token);
  writeFileSync(join(dir, "%E0.json"), "{}");
  writeFileSync(join(dir, "4620816399.json"), "{");
  s.emu.advanceClock(HOUR);
  const result = await tokens.refreshDue();
  assert.deepEqual(result.refreshed, [token.realmId]);
  assert.deepEqual(result.reauthorizationRequired, []);
  assert.deepEqual(
    result.failed
      .map(({ realmId, error }) => [realmId, (error as Error).name, (error as { reason?: string }).reason])
      .sort(),
    [
      ["%E0", "UnreadableRecordError", "bad_name"],
      ["4620816399", "UnreadableRecordError", "corrupt"],
    ],
  );
  assert.deepEqual(
    (await tokens.list()).map((i) => [i.realmId, i.status]),
    [[token.realmId, "valid"]],
  );
  const reported: string[] = [];
  const listed = await tokens.list({ onUnreadable: (e) => reported.push(e.realmId) });
  assert.deepEqual(
    listed.map((i) => i.realmId),
    [token.realmId],
  );
  assert.deepEqual(reported.sort(), ["%E0", "4620816399"]);
});

test("the one realm-id rule: save and getAccessToken refuse anything but 1 to 32 digits, never echo a long value, and store nothing", async (t) => {
  const s = await emulatorSession();
  t.after(() => s.close());
  // A store of your own that checks nothing: the manager still applies the rule.
  const loose = new Map<string, TokenRecord>();
  const store: TokenStore = {
    get: async (realmId) => loose.get(realmId),
    set: async (record) => void loose.set(record.realmId, record),
    delete: async (realmId) => void loose.delete(realmId),
    list: async () => [...loose.values()],
    tryLock: async () => "owner",
    unlock: async () => {},
  };
  const refused = (e: unknown) => {
    assert.ok(e instanceof InvalidRealmIdError, String(e));
    assert.equal(e.code, "ERR_INVALID_REALM_ID");
    assert.match(e.message, /1 to 32 digits|required/);
    assert.ok(!e.message.includes("9".repeat(41)), "a long value is not echoed");
    return true;
  };
  const token = await s.connect();
  for (const tokens of [
    new TokenManager({ authClient: s.authClient }),
    new TokenManager({ authClient: s.authClient, store }),
  ]) {
    for (const bad of [
      "",
      "realm-1",
      "__proto__",
      "1".repeat(33),
      "4620816365\u0000",
      " 4620816365",
      "9".repeat(1000),
    ]) {
      await assert.rejects(
        tokens.save(bad, { ...token, realmId: bad }),
        refused,
        `save ${JSON.stringify(bad.slice(0, 40))}`,
      );
      await assert.rejects(
        tokens.getAccessToken(bad),
        refused,
        `getAccessToken ${JSON.stringify(bad.slice(0, 40))}`,
      );
    }
    assert.deepEqual(await tokens.list(), [], "nothing stored");
    // A good realm id that is not stored is "not found", as before.
    await assert.rejects(tokens.getAccessToken("1".repeat(32)), TokenNotFoundError);
  }
  assert.equal(loose.size, 0);
});
