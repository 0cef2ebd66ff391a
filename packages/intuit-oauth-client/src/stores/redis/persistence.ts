// Whether the Redis servers behind a RedisTokenStore keep what they acknowledge across a restart:
// CONFIG GET appendonly/appendfsync/save on every server (every master of a cluster), INFO
// persistence where CONFIG is disabled; and each one's eviction policy (eviction.ts). The error a
// store raises, and the types of what was found, are in persistence-error.ts (re-exported here).
import { isRefusal, replyConfig, replyText, type RedisSender } from "./client.js";
import { readEvictionPolicy } from "./eviction.js";
import {
  RedisPersistenceError,
  type RedisPersistence,
  type RedisPersistenceLevel,
  type RedisServerPersistence,
} from "./persistence-error.js";

const WEAKEST: RedisPersistenceLevel[] = ["unknown", "none", "no-aof", "snapshots", "aof"];

export { RedisPersistenceError };
export type { RedisPersistence, RedisPersistenceLevel, RedisServerPersistence };

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
  const policy = await readEvictionPolicy(server.send);
  const evicts = policy === undefined ? {} : { maxmemoryPolicy: policy };
  try {
    const [appendonly, appendfsync, save] = await Promise.all(
      ["appendonly", "appendfsync", "save"].map((n) => configGet(server.send, n)),
    );
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
    if (aof === "1") return { server: server.name, level: "aof", ...evicts };
    if (aof === "0") return { server: server.name, level: "no-aof", ...evicts };
  } catch (err) {
    if (!isRefusal(err)) throw err;
  }
  return { server: server.name, level: "unknown", ...evicts };
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

/** Why `persistence` may lose tokens in a restart, in one sentence, or undefined when it keeps them. */
export function persistenceProblem(persistence: RedisPersistence): string | undefined {
  const weak = persistence.servers.filter((s) => s.level !== "aof");
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
