// Whether the Redis servers behind a RedisTokenStore keep what they acknowledge across a restart:
// CONFIG GET appendonly/appendfsync/save on every server (every master of a cluster), INFO
// persistence where CONFIG is disabled. The error a store raises when it requires persistence, and
// the types of what was found, are in redis-persistence-error.ts (re-exported here).
import { replyConfig, replyText, type RedisSender } from "./client.js";
import {
  RedisPersistenceError,
  type RedisPersistence,
  type RedisPersistenceLevel,
  type RedisServerPersistence,
} from "./persistence-error.js";

const WEAKEST: RedisPersistenceLevel[] = ["unknown", "none", "no-aof", "snapshots", "aof"];

export { RedisPersistenceError };
export type { RedisPersistence, RedisPersistenceLevel, RedisServerPersistence };

/** A refusal by the server (unknown or renamed command, NOPERM), as opposed to a lost connection. */
export function isRefusal(err: unknown): boolean {
  const e = err as { constructor?: { name?: string }; message?: unknown } | null;
  return (
    e?.constructor?.name === "ErrorReply" ||
    (typeof e?.message === "string" && /^(ERR|NOPERM|NOAUTH|WRONGPASS)\b/.test(e.message))
  );
}

async function configGet(
  send: (args: string[]) => Promise<unknown>,
  name: string,
): Promise<string | undefined> {
  return replyConfig(await send(["CONFIG", "GET", name])).get(name);
}

async function serverPersistence(server: {
  name: string;
  send(args: string[]): Promise<unknown>;
}): Promise<RedisServerPersistence> {
  try {
    const [appendonly, appendfsync, save, maxmemoryPolicy] = await Promise.all(
      ["appendonly", "appendfsync", "save", "maxmemory-policy"].map((n) => configGet(server.send, n)),
    );
    const evicts = maxmemoryPolicy?.startsWith("allkeys-") ? { maxmemoryPolicy } : {};
    if (appendonly === "yes") return { server: server.name, level: "aof", appendfsync, save, ...evicts };
    if (appendonly !== undefined)
      return {
        server: server.name,
        level: save ? "snapshots" : save === "" ? "none" : "no-aof",
        save,
        ...evicts,
      };
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  // Managed services often disable CONFIG; INFO still says whether the AOF is on.
  try {
    const info = replyText(await server.send(["INFO", "persistence"])) ?? "";
    const aof = /^aof_enabled:(\d)/m.exec(info)?.[1];
    if (aof === "1") return { server: server.name, level: "aof" };
    if (aof === "0") return { server: server.name, level: "no-aof" };
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  return { server: server.name, level: "unknown" };
}

/** Reads the persistence settings of every server behind `sender`. */
export async function readPersistence(sender: RedisSender): Promise<RedisPersistence> {
  const servers = await Promise.all((await sender.servers()).map(serverPersistence));
  const level = servers.reduce<RedisPersistenceLevel>(
    (worst, s) => (WEAKEST.indexOf(s.level) < WEAKEST.indexOf(worst) ? s.level : worst),
    "aof",
  );
  return { level, servers };
}

/** Why `persistence` may lose tokens, in one sentence, or undefined when it keeps them. */
export function persistenceProblem(persistence: RedisPersistence): string | undefined {
  const weak = persistence.servers.filter((s) => s.level !== "aof");
  const evicting = persistence.servers.filter((s) => s.maxmemoryPolicy !== undefined);
  if (weak.length === 0 && evicting.length > 0)
    return `Redis evicts any key under memory pressure (${evicting
      .map((s) => `${s.server === "server" ? "" : `${s.server}: `}maxmemory-policy ${s.maxmemoryPolicy}`)
      .join(", ")}): token records can be evicted. Use noeviction; see docs/fleet.md`;
  if (weak.length === 0) return undefined;
  const named = weak.filter((s) => s.server !== "server");
  const where = named.length ? ` (${named.map((s) => `${s.server}: ${s.level}`).join(", ")})` : "";
  const why: Record<RedisPersistenceLevel, string> = {
    none: "has no persistence (appendonly no, save ''): a restart loses every refresh token",
    snapshots:
      "keeps only RDB snapshots: a crash loses every token written since the last snapshot, and grants saved since then are gone",
    "no-aof": "has no append-only file: a crash loses the tokens written since its last snapshot, if any",
    unknown: "refused CONFIG GET and INFO, so its persistence is unknown",
    aof: "",
  };
  const level = weak[0]?.level ?? "unknown";
  return `Redis${where} ${why[level]}. Turn on appendonly yes (appendfsync always or everysec); see docs/fleet.md`;
}
