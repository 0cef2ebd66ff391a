// `intuit-oauth-client/redis`: everything that keeps its state in Redis (tokens, API limits and
// metered-call counts, used states and webhook event ids). It only re-exports; each class loads the
// `redis` package on first use.
export * from "./tokens/stores/redis.js";
export { RedisApiLimits } from "./api/stores/redis-limits.js";
export type { RedisApiLimitsOptions } from "./api/stores/redis-limits.js";
export { RedisStateStore } from "./api/stores/redis-state-store.js";
export type { RedisStateStoreOptions } from "./api/stores/redis-state-store.js";
export type { RedisConnectionOptions } from "./api/stores/redis-connection.js";
