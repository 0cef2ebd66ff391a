// Moves RedisTokenStore records from the key layout before 0.2 (`<prefix>token:<realm>`, one
// `<prefix>realms` set, `<prefix>lock:<realm>`) into the bucketed, hash-tagged one. Each realm is
// moved under its old lock (which servers of the previous version take) and its new one, so no
// refresh on either side is lost. It must not be used on a cluster: the old layout never ran there.
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../common/errors.js";
import { positiveMs } from "../../common/options.js";
import { dueAt } from "../../tokens/paging.js";
import { isValidRealmId } from "../../tokens/realm-id.js";
import { UnreadableRecordError } from "../../tokens/store-errors.js";
import type { TokenRecord, TokenStore } from "../../tokens/store.js";
import { replyText, replyTexts, type RedisSender } from "./client.js";
import { redisTokenStoreKeys } from "./keys.js";

/** Options of `RedisTokenStore.migrateLegacyKeys`. */
export interface MigrateLegacyKeysOptions {
  /** Lease of the two locks held while one realm moves. Default 30 s. */
  leaseMs?: number | undefined;
}

/** What `RedisTokenStore.migrateLegacyKeys` did. */
export interface MigrateLegacyKeysResult {
  /** Realms whose old keys are gone; the current layout holds the newer of the two records. */
  moved: string[];
  /** Realms left as they were because a refresh held one of their locks: run it again. */
  busy: string[];
  /** Old records that cannot be read (corrupt, wrong key, another realm's): left in place. */
  unreadable: UnreadableRecordError[];
}

interface Context {
  sender: RedisSender;
  prefix: string;
  /** The store itself: its locks and its `set`, which writes the current layout and its indexes. */
  store: TokenStore;
  decode(realmId: string, value: unknown, key: string): TokenRecord;
}

// Copy the old value as is (no re-encryption), then drop the old keys; one script, one server.
// KEYS: new record, new realms, new due, old record, old realms. ARGV: realm, value, expiry or "".
const MOVE_SCRIPT = `redis.call("ZADD", KEYS[2], 0, ARGV[1])
if ARGV[3] == "" then redis.call("ZREM", KEYS[3], ARGV[1]) else redis.call("ZADD", KEYS[3], ARGV[3], ARGV[1]) end
redis.call("SET", KEYS[1], ARGV[2]) redis.call("DEL", KEYS[4]) redis.call("SREM", KEYS[5], ARGV[1]) return 1`;
const DROP_SCRIPT = `redis.call("DEL", KEYS[1]) redis.call("SREM", KEYS[2], ARGV[1]) return 1`;
const UNLOCK_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/** See `RedisTokenStore.migrateLegacyKeys`. */
export async function migrateLegacyKeys(
  ctx: Context,
  options: MigrateLegacyKeysOptions,
): Promise<MigrateLegacyKeysResult> {
  if (ctx.sender.cluster)
    throw new ConfigurationError(
      "migrateLegacyKeys: the layout before 0.2 never ran on Redis Cluster; nothing to move",
    );
  const leaseMs = Math.max(1000, Math.ceil(positiveMs("leaseMs", options.leaseMs, 30_000)));
  const result: MigrateLegacyKeysResult = { moved: [], busy: [], unreadable: [] };
  const legacyRealms = `${ctx.prefix}realms`;
  let cursor = "0";
  do {
    const reply = await ctx.sender.send(["SSCAN", legacyRealms, cursor, "COUNT", "500"], legacyRealms);
    const [next, members] = Array.isArray(reply) ? reply : [];
    cursor = replyText(next) ?? "0";
    for (const realmId of replyTexts(members)) {
      if (result.moved.includes(realmId) || result.busy.includes(realmId)) continue; // SSCAN may repeat
      if (!isValidRealmId(realmId)) {
        result.unreadable.push(
          new UnreadableRecordError(
            `The realms set ${legacyRealms} holds a member that is not a valid realm id`,
            {
              realmId,
              reason: "bad_name",
              location: legacyRealms,
            },
          ),
        );
        continue;
      }
      await moveOne(ctx, realmId, leaseMs, result);
    }
  } while (cursor !== "0");
  result.unreadable.sort((a, b) => (a.realmId < b.realmId ? -1 : a.realmId > b.realmId ? 1 : 0));
  return result;
}

async function moveOne(ctx: Context, realmId: string, leaseMs: number, result: MigrateLegacyKeysResult) {
  const keys = redisTokenStoreKeys(realmId, ctx.prefix);
  const send = (args: string[]) => ctx.sender.send(args, undefined);
  const owner = await ctx.store.tryLock(realmId, leaseMs);
  if (owner === undefined) return void result.busy.push(realmId);
  const oldOwner = randomUUID();
  try {
    if (!(await send(["SET", keys.legacy.lock, oldOwner, "NX", "PX", String(leaseMs)]))) {
      result.busy.push(realmId);
      return;
    }
    try {
      const oldValue = await send(["GET", keys.legacy.record]);
      if (oldValue === null || oldValue === undefined) {
        await send(["SREM", keys.legacy.realms, realmId]); // a stale member
        result.moved.push(realmId);
        return;
      }
      let old: TokenRecord;
      try {
        old = ctx.decode(realmId, oldValue, keys.legacy.record);
      } catch (e) {
        if (!(e instanceof UnreadableRecordError)) throw e;
        result.unreadable.push(e);
        return;
      }
      const currentValue = await send(["GET", keys.record]);
      let current: TokenRecord | undefined;
      try {
        current =
          currentValue === null || currentValue === undefined
            ? undefined
            : ctx.decode(realmId, currentValue, keys.record);
      } catch (e) {
        if (!(e instanceof UnreadableRecordError)) throw e;
        current = undefined; // an unreadable new record loses to a readable old one
      }
      if (current && current.updatedAt >= old.updatedAt) {
        await send(["EVAL", DROP_SCRIPT, "2", keys.legacy.record, keys.legacy.realms, realmId]);
      } else {
        const due = dueAt(old);
        const value = replyText(oldValue) ?? "";
        await send([
          "EVAL",
          MOVE_SCRIPT,
          "5",
          keys.record,
          keys.realms,
          keys.due,
          keys.legacy.record,
          keys.legacy.realms,
          realmId,
          value,
          due === undefined ? "" : String(due),
        ]);
      }
      result.moved.push(realmId);
    } finally {
      await send(["EVAL", UNLOCK_SCRIPT, "1", keys.legacy.lock, oldOwner]);
    }
  } finally {
    await ctx.store.unlock(realmId, owner);
  }
}
