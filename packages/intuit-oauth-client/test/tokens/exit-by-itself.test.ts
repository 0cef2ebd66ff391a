// A script that uses a store exits by itself when its work is done, without close(): memory, file,
// Redis, a Redis Cluster and PostgreSQL (token store, state store and API limits of each backend).
// A child process (fixtures/cron-child.ts) prints when its work is over; the time from there to its
// exit is what is judged: well under 8 s, where a pg pool's idle timeout holds a process ~10 s and
// a ref'd Redis socket forever. TokenManager.close() is tested here too.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import pg from "pg";
import { MemoryTokenStore, TokenManager, type TokenClient, type TokenStore } from "../../src/index.js";
import { postgresUrl, redisClusterUrl, redisUrl, requireOrSkip, uniqueName } from "../support/services.js";

const CHILD = join(import.meta.dirname, "fixtures", "cron-child.ts");
// Exits in well under a second on an idle machine; 8 s still tells "exits" from "hangs 10 s or forever".
const EXIT_WITHIN_MS = 8_000;
// Starting tsx and the script's own work may be slow under load: only the exit is judged.
const GIVE_UP_MS = 90_000;
// A child still running this long after its work is done hangs: stop waiting for it.
const HANG_MS = 20_000;

interface Run {
  code: number | null;
  /** From the child's `done` line to its exit. */
  exitMs: number;
  stderr: string;
}

function runChild(kind: string, env: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, kind], {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let doneAt: number | undefined;
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    if (doneAt === undefined && /^done \d+$/m.test(stdout)) {
      doneAt = Date.now();
      setTimeout(() => child.kill("SIGKILL"), HANG_MS).unref();
    }
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${kind}: no exit in ${GIVE_UP_MS} ms (done: ${doneAt !== undefined})\n${stderr}`));
    }, GIVE_UP_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`${kind}: still running ${HANG_MS} ms after its work was done`));
      else if (doneAt === undefined)
        reject(new Error(`${kind}: exited ${code} before its work was done\n${stderr}`));
      else resolve({ code, exitMs: Date.now() - doneAt, stderr });
    });
  });
}

async function assertExits(kind: string, env: Record<string, string>): Promise<void> {
  const run = await runChild(kind, env);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.exitMs < EXIT_WITHIN_MS, `${kind}: exited ${run.exitMs} ms after its work was done`);
  process.stdout.write(`# ${kind}: exited ${run.exitMs} ms after its work was done\n`);
}

const [redis, cluster, postgres] = await Promise.all([redisUrl(), redisClusterUrl(), postgresUrl()]);

describe("a script exits by itself, without close()", () => {
  test("memory store", () => assertExits("memory", {}));

  test("file store", async () => {
    const directory = await mkdtemp(join(tmpdir(), "exit-by-itself-"));
    try {
      await assertExits("file", { INTUIT_CHILD_NAME: directory });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test("Redis (token store, state store, API limits)", { skip: requireOrSkip(redis, "redis") }, () =>
    assertExits("redis", { INTUIT_CHILD_URL: redis!, INTUIT_CHILD_NAME: uniqueName("exit") }),
  );

  test(
    "Redis Cluster (token store, state store, API limits)",
    { skip: requireOrSkip(cluster, "Redis cluster") },
    () => assertExits("redis-cluster", { INTUIT_CHILD_URL: cluster!, INTUIT_CHILD_NAME: uniqueName("exit") }),
  );

  describe(
    "PostgreSQL (token store, state store, API limits)",
    { skip: requireOrSkip(postgres, "postgres") },
    () => {
      const schema = uniqueName("exit");
      const admin = new pg.Pool({ connectionString: postgres });
      after(async () => {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      });
      test("exits", async () => {
        await admin.query(`CREATE SCHEMA "${schema}"`);
        await assertExits("postgres", { INTUIT_CHILD_URL: postgres!, INTUIT_CHILD_NAME: schema });
      });
    },
  );
});

describe("TokenManager.close()", () => {
  const authClient: TokenClient = {
    refresh: () => Promise.reject(new Error("unused")),
    revoke: async () => undefined,
  };

  /** A store that counts close() calls. */
  function closingStore(): TokenStore & { closed: number } {
    const store = Object.assign(new MemoryTokenStore(), { closed: 0 });
    return Object.assign(store, {
      close: async () => {
        store.closed++;
      },
    });
  }

  test("leaves a store and limits you passed in open", async () => {
    const store = closingStore();
    let limitsClosed = 0;
    const tokens = new TokenManager({ authClient, store });
    const apiLimits = Object.assign(tokens.apiLimits, {}); // the manager's own
    const withLimits = new TokenManager({
      authClient,
      store,
      apiLimits: Object.assign(Object.create(apiLimits) as object, {
        close: async () => {
          limitsClosed++;
        },
      }) as unknown as typeof apiLimits,
    });
    await tokens.close();
    await withLimits.close();
    assert.equal(store.closed, 0);
    assert.equal(limitsClosed, 0);
  });

  test("closes the limits it created, once, and works with await using", async () => {
    let closed = 0;
    {
      await using tokens = new TokenManager({ authClient });
      Object.assign(tokens.apiLimits, {
        close: async () => {
          closed++;
        },
      });
      await tokens.close(); // a second close (the block's end) closes nothing again
    }
    assert.equal(closed, 1);
  });

  test("waits for a refresh in flight, so its new tokens are stored", async () => {
    const now = Date.now();
    const token = (n: number, expiresAt: number) => ({
      accessToken: `access-${n}`,
      refreshToken: `refresh-${n}`,
      tokenType: "bearer",
      expiresIn: 3600,
      xRefreshTokenExpiresIn: 8_726_400,
      accessTokenExpiresAt: expiresAt,
      refreshTokenExpiresAt: now + 86_400_000,
      receivedAt: now,
      realmIdVerified: true,
    });
    let answer!: () => void;
    let heard!: () => void;
    const asked = new Promise<void>((resolve) => (heard = resolve));
    const authClientSlow: TokenClient = {
      refresh: () =>
        new Promise((resolve) => {
          answer = () => resolve(token(2, now + 3_600_000));
          heard();
        }),
      revoke: async () => undefined,
    };
    const store = new MemoryTokenStore();
    const tokens = new TokenManager({ authClient: authClientSlow, store });
    await tokens.save("123", token(1, now));
    const refreshing = tokens.getAccessToken("123");
    await asked;
    let closed = false;
    const closing = tokens.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, "close() returned while a refresh was in flight");
    answer();
    await closing;
    assert.equal(await refreshing, "access-2");
    assert.equal((await store.get("123"))?.token.refreshToken, "refresh-2");
  });
});
