// The one Redis connection of every Redis class (token store, state store, API limits): the user's
// client or cluster client (never closed here), or one opened lazily from a URL (one server, or a
// Redis Cluster with `cluster: true`). Every command goes out with the key that routes it on a
// cluster, always to a master; scripts run by EVALSHA with a fallback to EVAL on NOSCRIPT, routed by
// their first key. A single node of a cluster reached without cluster mode is refused with a clear
// ConfigurationError, never a raw MOVED. Failures become the owner's error class. It loads the
// `redis` package on first use.
import { utf8 } from "../../common/bytes.js";
import { redisTarget } from "../../common/connection-url.js";
import { ConfigurationError } from "../../common/errors.js";
import { sha1Js } from "../../crypto/sha-js.js";
import { LazyConnection, type StoreErrorClass } from "../lazy-connection.js";
import {
  isRefusal,
  redisSender,
  replyText,
  type RedisClientLike,
  type RedisClusterLike,
  type RedisSender,
} from "./client.js";
import { IdleUnref } from "./idle-unref.js";

/** How a Redis class reaches Redis: give `client` or `url`. */
export interface RedisConnectionOptions {
  /**
   * A connected client you own: `createClient()` or `createCluster()` of node-redis v4–v6. It is
   * never closed for you.
   */
  client?: RedisClientLike | RedisClusterLike | undefined;
  /**
   * A Redis URL (`redis://` or `rediss://`); a client is created on first use and closed by
   * `close()`. While no operation is running its sockets do not keep the process alive, so a script
   * ends by itself. With `cluster: true` it is one node of a Redis Cluster, from which the others are found.
   */
  url?: string | undefined;
  /**
   * Redis Cluster. With `url`: connect in cluster mode (the URL's user, password and TLS apply to
   * every node). With `client`: whether it is a cluster client (default: detected; node-redis cluster
   * clients are).
   */
  cluster?: boolean | undefined;
}

/** A Lua script and its SHA-1. */
export class RedisScript {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = [...sha1Js(utf8(source))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }
}

/** Redis key text for a name part: `:`, `{` and `}` cannot split keys or hash tags. */
export function keyPart(part: string): string {
  return encodeURIComponent(part);
}

/**
 * Runs `script` on `keys` (all in one slot on a cluster): EVALSHA, and EVAL once when the server
 * that owns the keys does not know the script yet. Routed by the first key.
 */
export async function runScript(
  r: RedisSender,
  script: RedisScript,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args];
  try {
    return await r.send(["EVALSHA", script.sha, ...tail], keys[0]);
  } catch (err) {
    if (!/NOSCRIPT/.test((err as Error | null)?.message ?? "")) throw err;
    return await r.send(["EVAL", script.source, ...tail], keys[0]);
  }
}

interface OwnedClient {
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

/** One lazily opened Redis connection, shared by every operation of its owner. */
export class RedisConnection {
  readonly #lazy: LazyConnection<RedisSender>;
  readonly #owner: string;
  readonly #where: string;
  // Undefined for the user's client, whose sockets are theirs to ref or unref.
  readonly #idle: IdleUnref | undefined;
  #mode: Promise<void> | undefined;

  /**
   * @param owner the class name, for messages (`RedisStateStore`).
   * @param error what failures become (TokenStoreError for the token store, SharedStoreError else).
   */
  constructor(options: RedisConnectionOptions, owner: string, error: StoreErrorClass) {
    if (!options.client === !options.url)
      throw new ConfigurationError(`${owner} needs exactly one of \`client\` or \`url\``);
    if (options.cluster !== undefined && typeof options.cluster !== "boolean")
      throw new ConfigurationError(`${owner}: cluster must be true or false`);
    const url = options.url;
    const cluster = options.cluster === true;
    const target = url === undefined ? undefined : redisTarget(url, owner);
    if (url !== undefined && cluster && url.startsWith("unix:"))
      throw new ConfigurationError(
        `${owner}: a Redis Cluster is reached by redis:// or rediss://, not a socket`,
      );
    this.#owner = owner;
    this.#where = target?.where ?? "the Redis server";
    const given = options.client;
    const idle = given ? undefined : new IdleUnref();
    this.#idle = idle;
    let owned: OwnedClient | undefined;
    this.#lazy = new LazyConnection<RedisSender>({
      storeName: owner,
      service: "Redis",
      error,
      given: given ? redisSender(given, options.cluster) : undefined,
      target,
      open: async () => {
        const client = await (cluster ? openCluster(url ?? "") : openClient(url ?? ""));
        owned = client;
        if (cluster) idle?.attachCluster(client);
        else idle?.attachClient(client);
        return redisSender(client as RedisClientLike | RedisClusterLike, cluster);
      },
      close: async () => {
        const client = owned;
        owned = undefined;
        if (client) await (client.close ? client.close() : client.quit?.());
      },
    });
  }

  /**
   * Runs `fn` with the connection, opened and checked first (a cluster node needs cluster mode). A
   * redirection the connection cannot follow (MOVED, ASK) becomes that same ConfigurationError.
   */
  run<T>(what: string, fn: (r: RedisSender) => Promise<T>): Promise<T> {
    if (this.#idle) return this.#idle.during(() => this.#run(what, fn));
    return this.#run(what, fn);
  }

  #run<T>(what: string, fn: (r: RedisSender) => Promise<T>): Promise<T> {
    return this.#lazy.run(what, async (r) => {
      await this.#checkMode(r);
      try {
        return await fn(r);
      } catch (err) {
        if (!r.cluster && isRedirect(err)) throw this.#needsClusterMode();
        throw err;
      }
    });
  }

  /** Sends one command, routed by `key` on a cluster. */
  command(what: string, args: string[], key: string | undefined): Promise<unknown> {
    return this.run(what, (r) => r.send(args, key));
  }

  /** Runs a script on `keys` (one slot), by SHA first. */
  script(
    what: string,
    script: RedisScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    return this.run(what, (r) => runScript(r, script, keys, args));
  }

  /** Closes the client opened from `url`; a client you passed in stays open. Later calls reject. */
  close(): Promise<void> {
    return this.#lazy.close();
  }

  /** Once per connection (again after a failed check): a node of a cluster is not a server. */
  #checkMode(r: RedisSender): Promise<void> {
    if (r.cluster) return Promise.resolve();
    this.#mode ??= (async () => {
      let info: string | undefined;
      try {
        info = replyText(await r.send(["INFO", "cluster"], undefined));
      } catch (err) {
        if (isRefusal(err)) return; // INFO renamed or not allowed: MOVED replies still say it
        throw err;
      }
      if (info !== undefined && /^cluster_enabled:1\b/m.test(info)) throw this.#needsClusterMode();
    })().catch((e: unknown) => {
      this.#mode = undefined;
      throw e;
    });
    return this.#mode;
  }

  #needsClusterMode(): ConfigurationError {
    return new ConfigurationError(
      `${this.#owner}: ${this.#where} is a node of a Redis Cluster, reached without cluster mode: ` +
        "pass `cluster: true` with the URL, or a createCluster() client (docs/fleet.md, Redis Cluster)",
    );
  }
}

/** A MOVED or ASK reply: the key lives on another node of a cluster. */
function isRedirect(err: unknown): boolean {
  const message = (err as { message?: unknown } | null)?.message;
  return typeof message === "string" && /^(MOVED|ASK) \d+ /.test(message);
}

// Fail, not hang, while Redis is unreachable: no offline queue, and the first connection attempt
// fails at once. Later drops reconnect with a capped backoff.
function socketOptions(connected: () => boolean) {
  return {
    reconnectStrategy: (retries: number, cause: Error) =>
      connected() ? Math.min(50 * 2 ** retries, 2000) : cause,
  };
}

async function openClient(url: string): Promise<OwnedClient> {
  const { createClient } = await import("redis");
  let connected = false;
  const client = createClient({ url, disableOfflineQueue: true, socket: socketOptions(() => connected) });
  // Without a listener, a dropped connection would be an unhandled 'error' event and kill the
  // process; commands issued meanwhile reject, and become the owner's error.
  client.on("error", () => {});
  await client.connect();
  connected = true;
  return client as unknown as OwnedClient;
}

async function openCluster(url: string): Promise<OwnedClient> {
  const { createCluster } = await import("redis");
  let connected = false;
  // node-redis takes the URL's credentials and TLS for the root node only: the nodes it discovers
  // are reached with `defaults`, so they carry them too.
  const parsed = new URL(url);
  const defaults = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    disableOfflineQueue: true,
    socket: { ...socketOptions(() => connected), ...(parsed.protocol === "rediss:" ? { tls: true } : {}) },
  };
  const cluster = createCluster({
    rootNodes: [{ url, disableOfflineQueue: true, socket: socketOptions(() => connected) }],
    defaults: defaults as never,
  });
  cluster.on("error", () => {});
  await cluster.connect();
  connected = true;
  return cluster as unknown as OwnedClient;
}
