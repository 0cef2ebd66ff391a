// How the Redis classes talk to Redis: one `send(args, key)` over a node-redis client (v4–v6) or a
// cluster client (`createCluster`), which routes by the key it is given; reply readers that accept
// RESP2 and RESP3 shapes and Buffers; and what a refusal looks like. It must not import the `redis` package.

/**
 * The part of a connected `redis` client (`createClient()` of node-redis v4–v6) the Redis classes
 * use. Raw commands keep them independent of option shapes that changed between versions.
 */
export interface RedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/**
 * The part of a connected node-redis cluster client (`createCluster()`, v4–v6) the Redis classes
 * use: raw commands routed by their first key, and (v5+) the masters, for the checks of each server.
 */
export interface RedisClusterLike {
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>;
  readonly masters?: readonly unknown[] | undefined;
  nodeClient?(node: never): Promise<RedisClientLike> | RedisClientLike;
}

/** One way to send a raw command, whatever the client. */
export interface RedisSender {
  /** True for a cluster client: every command names the key that routes it. */
  readonly cluster: boolean;
  /** Sends `args`; `key` routes it on a cluster (always to a master: tokens need read-your-writes). */
  send(args: string[], key: string | undefined): Promise<unknown>;
  /** One sender per master (a cluster), or just this one: for settings that each server has. */
  servers(): Promise<Array<{ name: string; send(args: string[]): Promise<unknown> }>>;
}

/** True when `client` is a node-redis cluster client (or `cluster` says so). */
export function isClusterClient(
  client: RedisClientLike | RedisClusterLike,
  cluster: boolean | undefined,
): client is RedisClusterLike {
  if (cluster !== undefined) return cluster;
  const c = client as { masters?: unknown; getMasters?: unknown; sendCommand: { length: number } };
  // v5+ has `masters`, v4 `getMasters()`; a plain client's sendCommand takes (args, options).
  return c.masters !== undefined || typeof c.getMasters === "function" || c.sendCommand.length >= 3;
}

export function redisSender(client: RedisClientLike | RedisClusterLike, cluster?: boolean): RedisSender {
  if (!isClusterClient(client, cluster)) {
    const plain = client as RedisClientLike;
    return {
      cluster: false,
      send: (args) => plain.sendCommand(args),
      servers: async () => [{ name: "server", send: (args) => plain.sendCommand(args) }],
    };
  }
  return {
    cluster: true,
    // isReadonly false: to a master even when the cluster client reads from replicas.
    send: (args, key) => client.sendCommand(key, false, args),
    async servers() {
      const masters = client.masters;
      const nodeClient = client.nodeClient?.bind(client);
      if (!masters || masters.length === 0 || !nodeClient)
        return [{ name: "a cluster node", send: (args) => client.sendCommand(undefined, false, args) }];
      return Promise.all(
        masters.map(async (master, i) => {
          const node = await nodeClient(master as never);
          const m = master as { host?: unknown; port?: unknown };
          const name = typeof m.host === "string" ? `${m.host}:${String(m.port)}` : `master ${i + 1}`;
          return { name, send: (args: string[]) => node.sendCommand(args) };
        }),
      );
    },
  };
}

/** A reply as text (strings and Buffers), else undefined. */
export function replyText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  return undefined;
}

/** The members of an array reply, as text (non-text entries are dropped). */
export function replyTexts(value: unknown): string[] {
  return Array.isArray(value) ? value.map(replyText).filter((t): t is string => t !== undefined) : [];
}

/** A WITHSCORES reply: RESP2's flat [member, score, …] or RESP3's [[member, score], …]. */
export function replyScored(value: unknown): Array<[member: string, score: number]> {
  if (!Array.isArray(value)) return [];
  const out: Array<[string, number]> = [];
  if (value.every((v) => Array.isArray(v)))
    for (const pair of value as unknown[][]) {
      const member = replyText(pair[0]);
      const score = Number(replyText(pair[1]) ?? pair[1]);
      if (member !== undefined && Number.isFinite(score)) out.push([member, score]);
    }
  else
    for (let i = 0; i + 1 < value.length; i += 2) {
      const member = replyText(value[i]);
      const score = Number(replyText(value[i + 1]) ?? value[i + 1]);
      if (member !== undefined && Number.isFinite(score)) out.push([member, score]);
    }
  return out;
}

/**
 * A reply of field/value pairs (CONFIG GET, HGETALL): a RESP2 flat array, a RESP3 map, or a plain
 * object, as a Map. Numbers come back as their text. With `lowerCase`, field names are lower-cased.
 */
export function replyPairs(value: unknown, lowerCase = false): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: unknown, v: unknown) => {
    const key = replyText(k);
    const text = typeof v === "number" ? String(v) : replyText(v);
    if (key !== undefined && text !== undefined) out.set(lowerCase ? key.toLowerCase() : key, text);
  };
  if (value instanceof Map) for (const [k, v] of value as Map<unknown, unknown>) put(k, v);
  else if (Array.isArray(value)) for (let i = 0; i + 1 < value.length; i += 2) put(value[i], value[i + 1]);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) put(k, v);
  return out;
}

/** A CONFIG GET reply as a name → value map (names lower-cased). */
export function replyConfig(value: unknown): Map<string, string> {
  return replyPairs(value, true);
}

/** A refusal by the server (unknown or renamed command, NOPERM), as opposed to a lost connection. */
export function isRefusal(err: unknown): boolean {
  const e = err as { constructor?: { name?: string }; message?: unknown } | null;
  return (
    e?.constructor?.name === "ErrorReply" ||
    (typeof e?.message === "string" && /^(ERR|NOPERM|NOAUTH|WRONGPASS)\b/.test(e.message))
  );
}

/** Orders realm ids as Redis orders equal-score members: by their UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
