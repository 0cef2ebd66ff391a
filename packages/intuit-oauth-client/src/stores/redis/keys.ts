// The Redis key layouts. RedisTokenStore spreads realms over 16 buckets, and every key of a bucket
// carries the bucket's hash tag, so a realm's record, lock and index entries share one Redis Cluster
// slot. RedisStateStore and RedisApiLimits keep all their keys under one hash tag each, so every
// script touches one slot. Pure functions; no I/O, no driver.
import { ConfigurationError } from "../../common/errors.js";

/** How many buckets (hash tags) the realm-wide indexes are sharded over. Fixed: it is part of the layout. */
export const REDIS_BUCKETS = 16;

const utf8 = new TextEncoder();

/** The bucket of a realm: FNV-1a (32-bit) of its UTF-8 bytes, modulo {@link REDIS_BUCKETS}. */
export function bucketOf(realmId: string): number {
  let hash = 0x811c9dc5;
  for (const byte of utf8.encode(realmId)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % REDIS_BUCKETS;
}

/** Where RedisTokenStore keeps a realm. */
export interface RedisRealmKeys {
  /** The realm's bucket, 0–15. */
  bucket: number;
  /** The record (a string: JSON, or `enc:v2:…`). */
  record: string;
  /** The refresh lock (a string: the owner token, with the lease as its TTL). */
  lock: string;
  /** The bucket's sorted set of realm ids (all scores 0), for list and listPage. */
  realms: string;
  /** The bucket's sorted set of realm ids by access-token expiry (epoch ms), for listDue. */
  due: string;
}

/** Checks a key prefix: any text without `{` or `}` (they would change the hash tag). */
export function checkKeyPrefix(prefix: unknown, owner = "RedisTokenStore"): string {
  if (typeof prefix !== "string" || /[{}]/.test(prefix))
    throw new ConfigurationError(`${owner} keyPrefix must be a string without { or }`);
  return prefix;
}

/** Checks a hash tag: 1 to 64 characters, without `{` or `}`. */
export function checkHashTag(tag: unknown, owner: string): string {
  if (typeof tag !== "string" || !/^[^{}]{1,64}$/.test(tag))
    throw new ConfigurationError(`${owner} hashTag must be 1 to 64 characters without { or }`);
  return tag;
}

/** The hash-tagged start of keys that share one Redis Cluster slot, e.g. `intuit-oauth:{state}:`. */
export function taggedPrefix(prefix: string, tag: string): string {
  return `${prefix}{${tag}}:`;
}

/** The hash-tagged start of every key of a bucket, e.g. `intuit-oauth:{07}:`. */
export function bucketPrefix(prefix: string, bucket: number): string {
  return taggedPrefix(prefix, bucket.toString(16).padStart(2, "0"));
}

/**
 * The keys RedisTokenStore uses for a realm (default prefix `intuit-oauth:`), for operators and
 * tests: e.g. `intuit-oauth:{07}:token:4620816365`.
 *
 * @example
 * const { record, lock } = redisTokenStoreKeys("4620816365");
 * await redis.pTTL(lock); // the lease left on the realm's refresh lock
 */
export function redisTokenStoreKeys(realmId: string, keyPrefix = "intuit-oauth:"): RedisRealmKeys {
  const prefix = checkKeyPrefix(keyPrefix);
  const bucket = bucketOf(realmId);
  const tagged = bucketPrefix(prefix, bucket);
  return {
    bucket,
    record: `${tagged}token:${realmId}`,
    lock: `${tagged}lock:${realmId}`,
    realms: `${tagged}realms`,
    due: `${tagged}due`,
  };
}

/** The two index keys of bucket `bucket`. */
export function bucketKeys(prefix: string, bucket: number): { realms: string; due: string } {
  const tagged = bucketPrefix(prefix, bucket);
  return { realms: `${tagged}realms`, due: `${tagged}due` };
}
