// `intuit-oauth-client/postgres`: everything that keeps its state in PostgreSQL (tokens, API limits
// and metered-call counts, used states and webhook event ids). It only re-exports; each class loads
// the `pg` package on first use.
export * from "./tokens/stores/postgres.js";
export { PostgresApiLimits } from "./api/stores/postgres-limits.js";
export type { PostgresApiLimitsOptions } from "./api/stores/postgres-limits.js";
export { PostgresStateStore } from "./api/stores/postgres-state-store.js";
export type { PostgresStateStoreOptions } from "./api/stores/postgres-state-store.js";
export type { PostgresConnectionOptions } from "./api/stores/postgres-connection.js";
