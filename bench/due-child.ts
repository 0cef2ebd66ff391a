// One measured refreshDue of row 8, in a process of its own so its peak RSS is its own: opens the
// Redis or PostgreSQL store the parent seeded, runs TokenManager.refreshDue(60 s) against the
// loopback token endpoint, and reports wall time, counts and memory. DUE_FALLBACK=1 hides listDue,
// so refreshDue filters list() (the behaviour before the expiry index).
import { TokenManager, type TokenStore } from "../packages/intuit-oauth-client/src/index.js";
import { PostgresTokenStore } from "../packages/intuit-oauth-client/src/stores/postgres/token-store.js";
import { RedisTokenStore } from "../packages/intuit-oauth-client/src/stores/redis/token-store.js";
import { ourClient } from "./fixtures.js";
import type { Loopback } from "./loopback.js";

const env = process.env;
const origin = env["DUE_TOKEN_ORIGIN"] ?? "";
const store: TokenStore =
  env["DUE_BACKEND"] === "redis"
    ? new RedisTokenStore({ url: env["DUE_URL"], keyPrefix: env["DUE_NAMESPACE"], logger: {} })
    : new PostgresTokenStore({ connectionString: env["DUE_URL"], tableName: env["DUE_NAMESPACE"] });
const used: TokenStore =
  env["DUE_FALLBACK"] === "1"
    ? {
        get: (r) => store.get(r),
        set: (r) => store.set(r),
        delete: (r) => store.delete(r),
        list: (o) => store.list(o),
        tryLock: (r, l) => store.tryLock(r, l),
        unlock: (r, o) => store.unlock(r, o),
      }
    : store;
const authClient = ourClient({
  origin,
  tokenEndpoint: `${origin}/oauth2/v1/tokens/bearer`,
  jwksUri: `${origin}/op/v1/jwks`,
} as Loopback);
const tokens = new TokenManager({ authClient, store: used, maxConcurrentRefreshes: 32 });

await store.get("1"); // a realm never stored; connects (and checks persistence) before the clock starts
const rssBefore = process.memoryUsage().rss;
const start = performance.now();
const result = await tokens.refreshDue(60_000);
const ms = performance.now() - start;
process.send?.({
  ms,
  refreshed: result.refreshed.length,
  failed: result.failed.length,
  reauthorization: result.reauthorizationRequired.length,
  rssBefore,
  // The process's lifetime peak (kilobytes): what the machine had to give it.
  peakRss: process.resourceUsage().maxRSS * 1024,
});
await store.close?.();
process.disconnect?.();
