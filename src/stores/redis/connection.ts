// The Redis connection of the fleet coordination classes (limits, state store): the user's client
// (never closed here) or one opened lazily from a URL, and scripts run by SHA with a fallback to the
// source. Failures become SharedStoreError. No Node built-in; it loads the `redis` package on first use.
import { utf8 } from "../../common/bytes.js";
import { redisTarget } from "../../common/connection-url.js";
import { ConfigurationError, SharedStoreError } from "../../common/errors.js";
import { sha1Js } from "../../crypto/sha-js.js";
import { LazyConnection } from "../lazy-connection.js";
import type { RedisClientLike } from "./token-store.js";

/** How a class reaches Redis: give `client` or `url`. */
export interface RedisConnectionOptions {
  /** A connected node-redis client you own (v4–v6); it is never closed for you. */
  client?: RedisClientLike | undefined;
  /** A Redis URL; a client is created on first use and closed by `close()`. */
  url?: string | undefined;
}

interface OwnedClient extends RedisClientLike {
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

/** One lazily opened Redis connection. */
export class RedisConnection {
  readonly #lazy: LazyConnection<RedisClientLike>;

  constructor(options: RedisConnectionOptions, owner: string) {
    if (!options.client === !options.url)
      throw new ConfigurationError(`${owner} needs exactly one of \`client\` or \`url\``);
    const url = options.url;
    this.#lazy = new LazyConnection<RedisClientLike>({
      storeName: owner,
      service: "Redis",
      error: SharedStoreError,
      given: options.client,
      target: url === undefined ? undefined : redisTarget(url, owner),
      open: () => openClient(url),
      close: async (client) => {
        const c = client as OwnedClient;
        await (c.close ? c.close() : c.quit?.());
      },
    });
  }

  /** Sends one command. */
  command(what: string, args: string[]): Promise<unknown> {
    return this.#run(what, (c) => c.sendCommand(args));
  }

  /** Runs `fn` on the client: the server's own errors reach `fn` as they are. */
  withClient<T>(what: string, fn: (client: RedisClientLike) => Promise<T>): Promise<T> {
    return this.#run(what, fn);
  }

  /** Runs a script: EVALSHA, and EVAL once when the server does not know it yet. */
  script(
    what: string,
    script: RedisScript,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    return this.#run(what, async (c) => {
      try {
        return await c.sendCommand(["EVALSHA", script.sha, ...tail]);
      } catch (err) {
        if (!/NOSCRIPT/.test((err as Error)?.message ?? "")) throw err;
        return await c.sendCommand(["EVAL", script.source, ...tail]);
      }
    });
  }

  close(): Promise<void> {
    return this.#lazy.close();
  }

  #run<T>(what: string, fn: (c: RedisClientLike) => Promise<T>): Promise<T> {
    return this.#lazy.run(what, fn);
  }
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

async function openClient(url: string | undefined): Promise<RedisClientLike> {
  const { createClient } = await import("redis");
  let connected = false;
  const client = createClient({
    url,
    // Fail, not hang, while Redis is unreachable; later drops reconnect with a capped backoff.
    disableOfflineQueue: true,
    socket: {
      reconnectStrategy: (retries: number, cause: Error) =>
        connected ? Math.min(50 * 2 ** retries, 2000) : cause,
    },
  });
  // Unhandled, a dropped connection's 'error' event would kill the process.
  client.on("error", () => {});
  await client.connect();
  connected = true;
  return client as unknown as RedisClientLike;
}
