// Real Redis and PostgreSQL servers for tests: from INTUIT_TEST_*_URL, or private throwaway servers
// started on free 127.0.0.1 ports. It must never touch a server it did not start or was not given.
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import pg from "pg";

/** Where the PostgreSQL 15 binaries live on the machine image (Debian layout). */
export const POSTGRES_BIN = process.env["INTUIT_TEST_POSTGRES_BIN"] ?? "/usr/lib/postgresql/15/bin";

type Service = "redis" | "postgres";

const HOW_TO: Record<Service, string> = {
  redis: "redis-server not found: install redis-server or set INTUIT_TEST_REDIS_URL",
  postgres: `PostgreSQL not found at ${POSTGRES_BIN}: install postgresql-15 or set INTUIT_TEST_POSTGRES_URL`,
};
// Why a server could not be had, when it was not just a missing binary.
const failures: Partial<Record<Service, string>> = {};
let redisPromise: Promise<string | undefined> | undefined;
let postgresPromise: Promise<string | undefined> | undefined;

/** A Redis URL: INTUIT_TEST_REDIS_URL, else a private redis-server for this process, else undefined. */
export function redisUrl(): Promise<string | undefined> {
  redisPromise ??= (async () => {
    const fromEnv = process.env["INTUIT_TEST_REDIS_URL"];
    if (fromEnv) return fromEnv;
    if (!onPath("redis-server")) return undefined;
    try {
      return await startRedis();
    } catch (e) {
      failures.redis = `redis-server did not start: ${(e as Error).message}`;
      return undefined;
    }
  })();
  return redisPromise;
}

/**
 * A PostgreSQL URL (superuser, trust auth on a private server): INTUIT_TEST_POSTGRES_URL, else a
 * private cluster for this process, else undefined. Tests isolate themselves with unique table names.
 */
export function postgresUrl(): Promise<string | undefined> {
  postgresPromise ??= (async () => {
    const fromEnv = process.env["INTUIT_TEST_POSTGRES_URL"];
    if (fromEnv) return fromEnv;
    if (!["initdb", "postgres"].every((b) => existsSync(join(POSTGRES_BIN, b)))) return undefined;
    try {
      return await startPostgres();
    } catch (e) {
      failures.postgres = `PostgreSQL did not start: ${(e as Error).message}`;
      return undefined;
    }
  })();
  return postgresPromise;
}

/**
 * For node:test's `skip`: false when the server is there, else the reason. Under `CI=true` a
 * missing server is a failure, so this throws instead. `what` names the server: "redis",
 * "postgres" (any case; "PostgreSQL" works too).
 */
export function requireOrSkip(url: string | undefined, what: string): string | false {
  if (url) return false;
  const service: Service | undefined = /redis/i.test(what)
    ? "redis"
    : /postgres/i.test(what)
      ? "postgres"
      : undefined;
  const reason = (service && (failures[service] ?? HOW_TO[service])) ?? `${what} is not available`;
  if (process.env["CI"] === "true") throw new Error(`${reason} (CI=true: real servers are required)`);
  return reason;
}

/** A name no other test run uses: for key prefixes, table names and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

function onPath(binary: string): boolean {
  return (process.env["PATH"] ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, binary)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Runs `script` in sh with a stdin pipe held by this process. When this process exits (even by
 * SIGKILL) the pipe closes, `cat` returns and the script's cleanup stops the server: no orphans.
 */
function spawnGuarded(script: string, args: string[], cwd?: string): void {
  const child = spawn("sh", ["-c", script, "sh", ...args], {
    cwd,
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms`);
}

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write("PING\r\n"));
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.on("data", (d) => (socket.destroy(), resolve(d.toString().startsWith("+PONG"))));
    socket.on("error", () => resolve(false));
  });
}

async function startRedis(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "intuit-test-redis-"));
  const port = await freePort();
  spawnGuarded(
    `redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no --dir "$1" >"$1/redis.log" 2>&1 & pid=$!
cat >/dev/null; kill $pid; wait $pid; rm -rf "$1"`,
    [dir, String(port)],
  );
  await waitFor("redis-server", () => redisPing(port));
  return `redis://127.0.0.1:${port}`;
}

async function startPostgres(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "intuit-test-pg-"));
  // PostgreSQL refuses to run as root: run it as the postgres OS user in a directory it owns.
  let asUser: string[] = [];
  if (process.getuid?.() === 0) {
    const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
    const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    if (!Number.isInteger(uid) || uid <= 0)
      throw new Error("running as root and there is no `postgres` OS user");
    chownSync(dir, uid, gid);
    asUser = ["runuser", "-u", "postgres", "--"];
  }
  const data = join(dir, "data");
  const initdb = [...asUser, join(POSTGRES_BIN, "initdb"), "-D", data, "-A", "trust", "-U", "postgres"];
  // cwd: the postgres user may not be allowed into the directory the tests run from.
  const init = spawnSync(initdb[0] ?? "", [...initdb.slice(1), "-E", "UTF8", "--locale=C", "--no-sync"], {
    encoding: "utf8",
    cwd: dir,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  const port = await freePort();
  spawnGuarded(
    `d="$1"; data="$2"; shift 2; "$@" >"$d/postgres.log" 2>&1 & pid=$!
cat >/dev/null; kill -INT "$(head -1 "$data/postmaster.pid" 2>/dev/null)" 2>/dev/null; wait $pid; rm -rf "$d"`,
    [
      dir,
      data,
      ...asUser,
      join(POSTGRES_BIN, "postgres"),
      "-D",
      data,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${dir}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    dir,
  );
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await waitFor("PostgreSQL", async () => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } finally {
      await client.end().catch(() => {});
    }
  });
  return url;
}
