// RedisTokenStore: token records and refresh locks in Redis, for fleets of app servers.
// The only file that touches the `redis` package, and only lazily; it must never be imported by the core.
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../http/errors.js";
import type { EncryptionKey } from "../encryption.js";
import { recordCodec, type RecordCodec } from "../record.js";
import { TokenStoreError, type TokenRecord, type TokenStore } from "../store.js";

/**
 * The part of a connected `redis` client (`createClient()` of node-redis v4–v6) the store uses.
 * Raw commands keep the store independent of option shapes that changed between versions.
 */
export interface RedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of {@link RedisTokenStore}. Give `client` or `url`. */
export interface RedisTokenStoreOptions {
  /** A connected client you own; the store never closes it. */
  client?: RedisClientLike | undefined;
  /** A Redis URL; the store creates, connects (on first use) and closes its own client. */
  url?: string | undefined;
  /** Prefix of every key the store writes. Default `intuit-oauth:`. */
  keyPrefix?: string | undefined;
  /** Encrypts records at rest (AES-256-GCM). Default: `INTUIT_OAUTH_ENCRYPTION_KEY`, else none. */
  encryptionKey?: EncryptionKey | undefined;
}

// Record and realms-set changes run as Lua scripts rather than MULTI: both are atomic, but a
// script stops at the first failing command (e.g. WRONGTYPE), while MULTI runs the rest anyway.
// The fallible set change comes first, so a failed `set` leaves the previous record untouched.
const SET_SCRIPT = `redis.call("SADD", KEYS[2], ARGV[1]) redis.call("SET", KEYS[1], ARGV[2]) return 1`;
const DELETE_SCRIPT = `redis.call("SREM", KEYS[2], ARGV[1]) redis.call("DEL", KEYS[1]) return 1`;
// Compare-and-delete: only the owner that took the lock may release it.
const UNLOCK_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;
// MGET in slices so one list() never builds a giant command.
const MGET_CHUNK = 500;

interface OwnedClient extends RedisClientLike {
  close?(): Promise<unknown>;
  quit?(): Promise<unknown>;
}

/**
 * Keeps tokens in Redis. Keys: `<prefix>token:<realmId>` (the record as JSON, or encrypted),
 * `<prefix>realms` (a set of realm ids, for `list`), `<prefix>lock:<realmId>` (refresh lock).
 *
 * @example
 * import { RedisTokenStore } from "intuit-oauth-client/redis";
 * const store = new RedisTokenStore({ url: process.env.REDIS_URL });
 * const tokens = new TokenManager({ authClient, store });
 */
export class RedisTokenStore implements TokenStore {
  readonly #prefix: string;
  readonly #codec: RecordCodec;
  readonly #url: string | undefined;
  #client: Promise<RedisClientLike> | undefined;
  #owned: OwnedClient | undefined;
  #closed = false;

  constructor(options: RedisTokenStoreOptions) {
    if (!options.client === !options.url)
      throw new ConfigurationError("RedisTokenStore needs exactly one of `client` or `url`");
    this.#prefix = options.keyPrefix ?? "intuit-oauth:";
    this.#codec = recordCodec(options.encryptionKey);
    this.#url = options.url;
    if (options.client) this.#client = Promise.resolve(options.client);
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    const text = await this.#run("read", (c) => c.sendCommand(["GET", this.#recordKey(realmId)]));
    return text === null || text === undefined ? undefined : this.#parse(text);
  }

  async set(record: TokenRecord): Promise<void> {
    const value = this.#codec.encode(record);
    // One script, so list() never sees a record without its set member or the reverse.
    await this.#run("write", (c) =>
      c.sendCommand([
        "EVAL",
        SET_SCRIPT,
        "2",
        this.#recordKey(record.realmId),
        this.#realmsKey(),
        record.realmId,
        value,
      ]),
    );
  }

  async delete(realmId: string): Promise<void> {
    await this.#run("delete", (c) =>
      c.sendCommand(["EVAL", DELETE_SCRIPT, "2", this.#recordKey(realmId), this.#realmsKey(), realmId]),
    );
  }

  // A set of realm ids rather than SCAN: SCAN walks every key of the database (other apps'
  // too), may return a key twice, and gives no snapshot; the set is exact and updated in the
  // same script as the record.
  async list(): Promise<TokenRecord[]> {
    const members = await this.#run("list", (c) => c.sendCommand(["SMEMBERS", this.#realmsKey()]));
    const realms = (Array.isArray(members) ? members : []).map(toText).sort();
    const records: TokenRecord[] = [];
    for (let i = 0; i < realms.length; i += MGET_CHUNK) {
      const keys = realms.slice(i, i + MGET_CHUNK).map((r) => this.#recordKey(r));
      const values = await this.#run("list", (c) => c.sendCommand(["MGET", ...keys]));
      // A realm deleted between SMEMBERS and MGET reads as null: it is simply gone.
      for (const v of Array.isArray(values) ? values : [])
        if (v !== null && v !== undefined) records.push(this.#parse(v));
    }
    return records;
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    const owner = randomUUID();
    const px = String(Math.max(1, Math.ceil(leaseMs)));
    const reply = await this.#run("lock", (c) =>
      c.sendCommand(["SET", this.#lockKey(realmId), owner, "NX", "PX", px]),
    );
    return reply === null || reply === undefined ? undefined : owner;
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    await this.#run("unlock", (c) =>
      c.sendCommand(["EVAL", UNLOCK_SCRIPT, "1", this.#lockKey(realmId), owner]),
    );
  }

  /** Closes the client the store created from `url`. A client you passed in stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    const owned = this.#owned;
    this.#owned = undefined;
    if (!owned) return;
    try {
      await closeClient(owned);
    } catch (cause) {
      throw new TokenStoreError("Redis: closing the connection failed", { cause });
    }
  }

  #recordKey(realmId: string): string {
    return `${this.#prefix}token:${realmId}`;
  }
  #realmsKey(): string {
    return `${this.#prefix}realms`;
  }
  #lockKey(realmId: string): string {
    return `${this.#prefix}lock:${realmId}`;
  }

  #parse(value: unknown): TokenRecord {
    return this.#codec.decode(toText(value));
  }

  async #run<T>(what: string, fn: (client: RedisClientLike) => Promise<T>): Promise<T> {
    if (this.#closed) throw new TokenStoreError("RedisTokenStore is closed");
    let client: RedisClientLike;
    try {
      client = await this.#connect();
    } catch (cause) {
      throw new TokenStoreError(`Redis: cannot connect (${what})`, { cause });
    }
    try {
      return await fn(client);
    } catch (cause) {
      throw new TokenStoreError(`Redis: ${what} failed: ${messageOf(cause)}`, { cause });
    }
  }

  #connect(): Promise<RedisClientLike> {
    this.#client ??= this.#createClient().catch((e: unknown) => {
      this.#client = undefined; // let the next call try again
      throw e;
    });
    return this.#client;
  }

  async #createClient(): Promise<RedisClientLike> {
    const { createClient } = await import("redis");
    let connected = false;
    const client = createClient({
      url: this.#url,
      // A token read must fail, not hang, while Redis is unreachable: no offline queue, and the
      // first connection attempt fails at once. Later drops reconnect with a capped backoff.
      disableOfflineQueue: true,
      socket: {
        reconnectStrategy: (retries: number, cause: Error) =>
          connected ? Math.min(50 * 2 ** retries, 2000) : cause,
      },
    });
    // Without a listener, a dropped connection would be an unhandled 'error' event and kill the
    // process; commands issued meanwhile reject, and are wrapped in TokenStoreError.
    client.on("error", () => {});
    await client.connect();
    connected = true;
    const owned = client as unknown as OwnedClient;
    if (this.#closed) {
      await closeClient(owned);
      throw new TokenStoreError("RedisTokenStore is closed");
    }
    this.#owned = owned;
    return owned;
  }
}

// v5+ has close(); v4 only quit().
async function closeClient(client: OwnedClient): Promise<void> {
  await (client.close ? client.close() : client.quit?.());
}

function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  throw new TokenStoreError(`Redis returned an unexpected ${typeof value} value`);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
