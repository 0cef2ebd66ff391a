// What the PostgreSQL folder offers its users: the token store, the state store and the API limits,
// and their options. `src/postgres.ts` (`intuit-oauth-client/postgres`) re-exports it.
export * from "./token-store.js";
export { PostgresApiLimits } from "./api-limits.js";
export type { PostgresApiLimitsOptions } from "./api-limits.js";
export { PostgresStateStore } from "./state-store.js";
export type { PostgresStateStoreOptions } from "./state-store.js";
export type { PostgresConnectionOptions } from "./connection.js";
