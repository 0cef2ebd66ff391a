// `intuit-oauth-client/postgres`: everything that keeps its state in PostgreSQL (tokens, API limits
// and metered-call counts, used states and webhook event ids). It only re-exports src/stores/postgres;
// each class loads the `pg` package on first use.
export * from "./stores/postgres/index.js";
