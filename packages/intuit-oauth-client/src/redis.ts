// `intuit-oauth-client/redis`: everything that keeps its state in Redis (tokens, API limits and
// metered-call counts, used states and webhook event ids). It only re-exports src/stores/redis; each
// class loads the `redis` package on first use.
export * from "./stores/redis/index.js";
