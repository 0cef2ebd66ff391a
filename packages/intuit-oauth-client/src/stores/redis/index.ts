// What the Redis folder offers its users: the token store, the state store and the API limits, their
// options, and the types of what they report. `src/redis.ts` (`intuit-oauth-client/redis`) re-exports it.
export * from "./token-store.js";
export { RedisApiLimits } from "./api-limits.js";
export type { RedisApiLimitsOptions } from "./api-limits.js";
export { RedisStateStore } from "./state-store.js";
export type { RedisStateStoreOptions } from "./state-store.js";
export type { RedisConnectionOptions } from "./connection.js";
