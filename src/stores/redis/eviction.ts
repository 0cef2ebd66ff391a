// Whether a Redis server may evict the keys of a RedisStateStore. Every one of them carries a TTL,
// so `volatile-*` policies evict them as readily as `allkeys-*` ones; a used state, code or webhook
// event evicted early is then accepted again. Only `noeviction` keeps them until they expire.
import { replyConfig, replyText } from "./client.js";
import { isRefusal } from "./persistence.js";

/** The server's `maxmemory-policy`: CONFIG GET, else INFO memory (where CONFIG is disabled), else undefined. */
export async function readEvictionPolicy(
  send: (args: string[]) => Promise<unknown>,
): Promise<string | undefined> {
  try {
    const policy = replyConfig(await send(["CONFIG", "GET", "maxmemory-policy"])).get("maxmemory-policy");
    if (policy !== undefined) return policy;
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  try {
    const info = replyText(await send(["INFO", "memory"])) ?? "";
    return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  return undefined;
}

/** Why `policy` lets used keys come back, in one sentence, or undefined for `noeviction`. */
export function evictionProblem(owner: string, policy: string | undefined): string | undefined {
  if (policy === "noeviction") return undefined;
  const found =
    policy === undefined
      ? "Redis refused CONFIG GET and INFO, so it may evict"
      : `Redis evicts (maxmemory-policy ${policy})`;
  return (
    `${owner}: ${found} the store's keys under memory pressure, and a used state, code or webhook ` +
    "event evicted early is accepted again. Refused: set maxmemory-policy noeviction, or pass " +
    "`allowEviction: true` to accept the risk; see docs/fleet.md"
  );
}
