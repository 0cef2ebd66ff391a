// Whether the Redis servers behind a Redis class may evict its keys. Only `noeviction` keeps them:
// `allkeys-*` policies evict any key, and `volatile-*` ones evict keys with a TTL, which every key of
// a RedisStateStore has (a used state, code or webhook event evicted early is accepted again) and so
// does a RedisTokenStore's refresh lock (two servers may then refresh one realm at once). Read on
// every server (every master of a cluster).
import { isRefusal, replyConfig, replyText, type RedisSender } from "./client.js";

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

/** The eviction policy of one server (`server` outside a cluster, else `host:port`). */
export interface ServerPolicy {
  server: string;
  /** undefined: the server would not say (CONFIG GET and INFO refused). */
  policy: string | undefined;
}

/** The policy of every server behind `sender`. */
export async function readEvictionPolicies(sender: RedisSender): Promise<ServerPolicy[]> {
  const servers = await sender.servers();
  return Promise.all(
    servers.map(async (s) => ({ server: s.name, policy: await readEvictionPolicy((args) => s.send(args)) })),
  );
}

/**
 * Why the servers let used keys go early, in one sentence that ends with the fix, or undefined when
 * every one says `noeviction`. `risk` says what is lost, e.g. "a used state, code or webhook event
 * evicted early is accepted again".
 */
export function evictionProblem(
  owner: string,
  servers: readonly ServerPolicy[],
  risk: string,
): string | undefined {
  const bad = servers.filter((s) => s.policy !== "noeviction");
  if (bad.length === 0) return undefined;
  const named = (s: ServerPolicy, text: string) => (s.server === "server" ? text : `${s.server}: ${text}`);
  const unknown = bad.filter((s) => s.policy === undefined);
  const evicting = bad.filter((s) => s.policy !== undefined);
  const found =
    evicting.length > 0
      ? `Redis evicts (${evicting.map((s) => named(s, `maxmemory-policy ${s.policy}`)).join(", ")})`
      : `Redis${unknown.some((s) => s.server !== "server") ? ` (${unknown.map((s) => s.server).join(", ")})` : ""} refused CONFIG GET and INFO, so it may evict`;
  return (
    `${owner}: ${found} the store's keys under memory pressure, and ${risk}. Refused: set ` +
    "maxmemory-policy noeviction, or pass `allowEviction: true` to accept the risk; see docs/fleet.md"
  );
}
