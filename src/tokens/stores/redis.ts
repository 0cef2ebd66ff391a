// RedisTokenStore: token records and refresh locks in Redis, for fleets of app servers.
// The only file that touches the `redis` package, and only lazily; it must never be imported by the core.
import { randomUUID } from "node:crypto";
import { ConfigurationError } from "../../common/errors.js";
import { checkRealmId, compareRealmIds, isValidRealmId } from "../realm-id.js";
import { recordCodec, type RecordCodec, type RecordCodecOptions } from "../record-codec.js";
import { UnreadableRecordError } from "../store-errors.js";
import type { ListOptions, TokenRecord, TokenStore } from "../store.js";
import { LazyConnection } from "./lazy-connection.js";

/**
 * The part of a connected `redis` client (`createClient()` of node-redis v4–v6) the store uses.
 * Raw commands keep the store independent of option shapes that changed between versions.
 */
export interface RedisClientLike {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of {@link RedisTokenStore}. Give `client` or `url`. */
export interface RedisTokenStoreOptions extends RecordCodecOptions {
  /** A connected client you own; the store never closes it. */
  client?: RedisClientLike | undefined;
  /** A Redis URL; the store creates, connects (on first use) and closes its own client. */
  url?: string | undefined;
  /** Prefix of every key the store writes. Default `intuit-oauth:`. */
  keyPrefix?: string | undefined;
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
  readonly #connection: LazyConnection<RedisClientLike>;

  constructor(options: RedisTokenStoreOptions) {
    if (!options.client === !options.url)
      throw new ConfigurationError("RedisTokenStore needs exactly one of `client` or `url`");
    this.#prefix = options.keyPrefix ?? "intuit-oauth:";
    this.#codec = recordCodec(options);
    const url = options.url;
    this.#connection = new LazyConnection<RedisClientLike>({
      storeName: "RedisTokenStore",
      service: "Redis",
      given: options.client,
      open: () => createOwnClient(url),
      close: (client) => closeClient(client as OwnedClient),
    });
  }

  async get(realmId: string): Promise<TokenRecord | undefined> {
    const key = this.#recordKey(checkRealmId(realmId));
    const text = await this.#run("read", (c) => c.sendCommand(["GET", key]));
    return text === null || text === undefined ? undefined : this.#parse(realmId, text);
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
    const key = this.#recordKey(checkRealmId(realmId));
    await this.#run("delete", (c) =>
      c.sendCommand(["EVAL", DELETE_SCRIPT, "2", key, this.#realmsKey(), realmId]),
    );
  }

  // A set of realm ids rather than SCAN: SCAN walks every key of the database (other apps'
  // too), may return a key twice, and gives no snapshot; the set is exact and updated in the
  // same script as the record.
  async list(options: ListOptions = {}): Promise<TokenRecord[]> {
    const members = await this.#run("list", (c) => c.sendCommand(["SMEMBERS", this.#realmsKey()]));
    const realms: string[] = [];
    for (const member of Array.isArray(members) ? members : []) {
      const realmId = typeof member === "string" || Buffer.isBuffer(member) ? String(member) : "";
      if (isValidRealmId(realmId)) realms.push(realmId);
      else
        options.onUnreadable?.(
          new UnreadableRecordError(
            `The realms set ${this.#realmsKey()} holds a member that is not a valid realm id`,
            {
              realmId,
              reason: "bad_name",
              location: this.#realmsKey(),
            },
          ),
        );
    }
    realms.sort(compareRealmIds);
    const records: TokenRecord[] = [];
    for (let i = 0; i < realms.length; i += MGET_CHUNK) {
      const chunk = realms.slice(i, i + MGET_CHUNK);
      const values = await this.#run("list", (c) =>
        c.sendCommand(["MGET", ...chunk.map((r) => this.#recordKey(r))]),
      );
      const list = Array.isArray(values) ? values : [];
      chunk.forEach((realmId, j) => {
        const v: unknown = list[j];
        // A realm deleted between SMEMBERS and MGET reads as null: it is simply gone.
        if (v === null || v === undefined) return;
        try {
          records.push(this.#parse(realmId, v));
        } catch (e) {
          if (!(e instanceof UnreadableRecordError)) throw e;
          options.onUnreadable?.(e);
        }
      });
    }
    return records;
  }

  async tryLock(realmId: string, leaseMs: number): Promise<string | undefined> {
    const key = this.#lockKey(checkRealmId(realmId));
    const owner = randomUUID();
    const px = String(Math.max(1, Math.ceil(leaseMs)));
    const reply = await this.#run("lock", (c) => c.sendCommand(["SET", key, owner, "NX", "PX", px]));
    return reply === null || reply === undefined ? undefined : owner;
  }

  async unlock(realmId: string, owner: string): Promise<void> {
    const key = this.#lockKey(checkRealmId(realmId));
    await this.#run("unlock", (c) => c.sendCommand(["EVAL", UNLOCK_SCRIPT, "1", key, owner]));
  }

  /** Closes the client the store created from `url`. A client you passed in stays open. */
  close(): Promise<void> {
    return this.#connection.close();
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

  #parse(realmId: string, value: unknown): TokenRecord {
    const location = this.#recordKey(realmId);
    if (typeof value !== "string" && !Buffer.isBuffer(value))
      throw new UnreadableRecordError(
        `The stored tokens of realm ${realmId} (${location}) are not a string`,
        {
          realmId,
          location,
          reason: "corrupt",
        },
      );
    return this.#codec.decode(String(value), { realmId, location });
  }

  #run<T>(what: string, fn: (client: RedisClientLike) => Promise<T>): Promise<T> {
    return this.#connection.run(what, fn);
  }
}

async function createOwnClient(url: string | undefined): Promise<RedisClientLike> {
  const { createClient } = await import("redis");
  let connected = false;
  const client = createClient({
    url,
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
  return client as unknown as OwnedClient;
}

// v5+ has close(); v4 only quit().
async function closeClient(client: OwnedClient): Promise<void> {
  await (client.close ? client.close() : client.quit?.());
}
