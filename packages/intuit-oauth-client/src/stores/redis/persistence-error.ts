// The error a RedisTokenStore raises when it requires persistence, and what it found: plain types
// with no Node built-in, so the error union (src/errors.ts) can name it on every runtime.
import type { ErrorParent } from "../../common/errors.js";
import { TokenStoreError } from "../../tokens/store-errors.js";

/**
 * What a Redis server keeps across a restart:
 * - `aof`: the append-only file is on (`appendonly yes`); acknowledged writes survive a crash of
 *   Redis (with `appendfsync always`, of the machine too);
 * - `snapshots`: RDB snapshots only; a crash loses every write since the last snapshot;
 * - `none`: nothing; a restart loses every token;
 * - `no-aof`: the append-only file is off, and the snapshot settings could not be read;
 * - `unknown`: the server refused both CONFIG GET and INFO.
 */
export type RedisPersistenceLevel = "aof" | "snapshots" | "none" | "no-aof" | "unknown";

/** The persistence of one server. */
export interface RedisServerPersistence {
  /** `host:port` of a cluster master, or `server`. */
  server: string;
  level: RedisPersistenceLevel;
  /** `appendfsync` (`always`, `everysec`, `no`) when the AOF is on and CONFIG GET answered. */
  appendfsync?: string | undefined;
  /** The `save` setting (e.g. `3600 1 300 100`), when CONFIG GET answered. */
  save?: string | undefined;
  /**
   * `maxmemory-policy`, when CONFIG GET or INFO answered. Anything but `noeviction` may evict token
   * records (`allkeys-*`) or refresh locks (`volatile-*`: they carry a TTL).
   */
  maxmemoryPolicy?: string | undefined;
}

/** The persistence of every server behind a store, and the weakest of them. */
export interface RedisPersistence {
  level: RedisPersistenceLevel;
  servers: RedisServerPersistence[];
}

/**
 * A server behind a RedisTokenStore may lose tokens, so the store refuses to work: it may evict keys
 * (a `maxmemory-policy` other than `noeviction`, or one it will not tell) and `allowEviction` is not
 * set; or the store was opened with `requirePersistence: true` and a server has no append-only file
 * (or would not say). Nothing was read or written.
 */
export class RedisPersistenceError extends (TokenStoreError as ErrorParent<typeof TokenStoreError>) {
  static override readonly code = "ERR_REDIS_PERSISTENCE";
  declare readonly code: "ERR_REDIS_PERSISTENCE";
  /** What was found. */
  readonly persistence: RedisPersistence;
  constructor(message: string, persistence: RedisPersistence) {
    super(message);
    this.persistence = persistence;
  }
}
