// Redis and PostgreSQL connections (issue 19, item 9): a URL its driver cannot parse is a
// ConfigurationError when the object is constructed, naming host and port; a connection error names
// host and port too; and no password shows anywhere: message, stack, cause chain, util.inspect,
// JSON.stringify. node-redis used to keep the whole URL in its TypeError's `input`, kept as `cause`.
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, test } from "node:test";
import { createClient } from "redis";
import { PostgresApiLimits, PostgresStateStore, PostgresTokenStore } from "../../src/postgres.js";
import { RedisApiLimits, RedisStateStore, RedisTokenStore, type RedisClientLike } from "../../src/redis.js";
import { killableRedis, redisUrl, requireOrSkip } from "../support/services.js";

const PASSWORD = "hunter2-SECRET";
const skipRedis = requireOrSkip(await redisUrl(), "redis");

type Closable = { close(): Promise<void> };
const redisClasses: Array<[string, (url: string) => Closable]> = [
  ["RedisTokenStore", (url) => new RedisTokenStore({ url })],
  ["RedisStateStore", (url) => new RedisStateStore({ url })],
  ["RedisApiLimits", (url) => new RedisApiLimits({ url })],
];
const postgresClasses: Array<[string, (connectionString: string) => Closable]> = [
  ["PostgresTokenStore", (connectionString) => new PostgresTokenStore({ connectionString })],
  ["PostgresStateStore", (connectionString) => new PostgresStateStore({ connectionString })],
  ["PostgresApiLimits", (connectionString) => new PostgresApiLimits({ connectionString })],
];

/** Every way an error can be shown: none may hold the password, as written or encoded. */
export function assertNoSecret(
  err: unknown,
  secrets: string[] = [PASSWORD, encodeURIComponent(PASSWORD)],
): void {
  const shown: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const x = e as Error & Record<string, unknown>;
    shown.push(String(x.message), String(x.stack), inspect(x, { depth: 20, showHidden: true }));
    shown.push(JSON.stringify(x, Object.getOwnPropertyNames(x)) ?? "", JSON.stringify(x) ?? "");
    for (const value of Object.values(x)) if (typeof value === "string") shown.push(value);
  }
  for (const text of shown)
    for (const secret of secrets) assert.ok(!text.includes(secret), `the password shows: ${text}`);
}

const badRedisUrls: Array<[url: string, where: RegExp]> = [
  [`redis://app:${PASSWORD}@127.0.0.1:99999/0`, /host 127\.0\.0\.1, port 99999/],
  [`redis://app:${PASSWORD}@[::1:6379/0`, /host \[::1:6379/],
  [`redis://app:${PASSWORD}@cache.internal:6379/zero`, /host cache\.internal, port 6379/],
  [`http://app:${PASSWORD}@cache.internal:6379`, /host cache\.internal, port 6379/],
  [
    `redis://app:${PASSWORD.slice(0, 4)}/${PASSWORD.slice(4)}@cache.internal:6379`,
    /host cache\.internal, port 6379/,
  ],
];
const badPostgresUrls: Array<[url: string, where: RegExp]> = [
  [`postgres://app:${PASSWORD}@127.0.0.1:99999/db`, /host 127\.0\.0\.1, port 99999/],
  [`postgres://app:${PASSWORD}@[::1:5432/db`, /host \[::1:5432/],
  [`postgres://app:${PASSWORD}@db.internal:54x2/db`, /host db\.internal, port unknown/],
];

describe("a URL the driver cannot parse is a ConfigurationError at construction, without the password", () => {
  for (const [name, make] of [...redisClasses, ...postgresClasses]) {
    test(name, () => {
      const urls = name.startsWith("Redis") ? badRedisUrls : badPostgresUrls;
      for (const [url, where] of urls) {
        let thrown: unknown;
        try {
          make(url);
        } catch (e) {
          thrown = e;
        }
        assert.ok(thrown instanceof Error, `${url}: construction throws`);
        const e = thrown as Error & { code?: string };
        assert.equal(e.name, "ConfigurationError", `${url}: ${e.message}`);
        assert.equal(e.code, "ERR_CONFIGURATION");
        assert.match(e.message, new RegExp(`^${name}: the .* cannot be parsed \\(`));
        assert.match(e.message, where);
        assertNoSecret(e, [PASSWORD, PASSWORD.slice(4)]);
      }
    });
  }
});

describe("a connection error names host and port, never the password", { skip: skipRedis }, () => {
  test("Redis: nothing listening, and a wrong password", async () => {
    const locked = await killableRedis(["--save", ""]);
    const admin = createClient({ url: locked.url });
    await admin.connect();
    await admin.configSet("requirepass", "the-right-one"); // a private server: this test's own
    await admin.close();
    for (const [name, make] of redisClasses)
      for (const port of [1, locked.port]) {
        const store = make(`redis://default:${PASSWORD}@127.0.0.1:${port}/0`);
        const op = operation(store);
        await assert.rejects(op, (e: Error & { code?: string }) => {
          assert.match(e.message, new RegExp(`^Redis: cannot connect to 127\\.0\\.0\\.1:${port} \\(`), name);
          assertNoSecret(e);
          return true;
        });
        await store.close();
      }
  });

  test("PostgreSQL: nothing listening", async () => {
    for (const [name, make] of postgresClasses) {
      const store = make(`postgres://app:${PASSWORD}@127.0.0.1:1/db`);
      await assert.rejects(operation(store), (e: Error) => {
        assert.match(e.message, /^PostgreSQL: cannot connect to 127\.0\.0\.1:1 \(/, name);
        assertNoSecret(e);
        return true;
      });
      await store.close();
    }
  });
});

test("a URL anywhere in a driver's error chain (message, input, url, nested causes) is kept without its credentials", async () => {
  const url = `redis://app:${PASSWORD}@cache.internal:6379/0`;
  const inner = Object.assign(new Error(`getaddrinfo failed for ${url}`), {
    url,
    hostname: "cache.internal",
  });
  const failure = Object.assign(new TypeError(`Invalid URL`, { cause: inner }), {
    input: url,
    code: "ERR_INVALID_URL",
  });
  const client: RedisClientLike = { sendCommand: () => Promise.reject(failure) };
  for (const store of [
    new RedisStateStore({ client, allowEviction: true }),
    new RedisApiLimits({ client }),
  ]) {
    const op = operation(store);
    await assert.rejects(op, (e: Error & { cause?: Error & { input?: string; cause?: Error } }) => {
      assertNoSecret(e);
      assert.equal(e.cause?.input, "redis://[redacted]@cache.internal:6379/0");
      assert.match(
        e.cause?.cause?.message ?? "",
        /getaddrinfo failed for redis:\/\/\[redacted\]@cache\.internal/,
      );
      return true;
    });
  }
  // The driver's own error is left as it was.
  assert.equal(failure.input, url);
});

function operation(store: Closable): Promise<unknown> {
  const s = store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  if (typeof s["consume"] === "function") return s["consume"]!(["k"], 1000);
  if (typeof s["usage"] === "function") return s["usage"]!();
  return s["get"]!("4620816365");
}
