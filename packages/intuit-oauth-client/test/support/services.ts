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

type Service = "redis" | "postgres" | "cluster";

const HOW_TO: Record<Service, string> = {
  redis: "redis-server not found: install redis-server or set INTUIT_TEST_REDIS_URL",
  cluster: "redis-server and redis-cli not found: install redis-server or set INTUIT_TEST_REDIS_CLUSTER_URL",
  postgres: `PostgreSQL not found at ${POSTGRES_BIN}: install postgresql-15 or set INTUIT_TEST_POSTGRES_URL`,
};
// Why a server could not be had, when it was not just a missing binary.
const failures: Partial<Record<Service, string>> = {};
let redisPromise: Promise<string | undefined> | undefined;
let postgresPromise: Promise<string | undefined> | undefined;
let clusterPromise: Promise<string | undefined> | undefined;

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
  const service: Service | undefined = /cluster/i.test(what)
    ? "cluster"
    : /redis/i.test(what)
      ? "redis"
      : /postgres/i.test(what)
        ? "postgres"
        : undefined;
  const reason = (service && (failures[service] ?? HOW_TO[service])) ?? `${what} is not available`;
  if (process.env["CI"] === "true") throw new Error(`${reason} (CI=true: real servers are required)`);
  return reason;
}

/**
 * A Redis Cluster root-node URL (three masters, no replicas): INTUIT_TEST_REDIS_CLUSTER_URL, else a
 * private cluster for this process, else undefined. Use `clusterRootNodes` for node-redis.
 */
export function redisClusterUrl(): Promise<string | undefined> {
  clusterPromise ??= (async () => {
    const fromEnv = process.env["INTUIT_TEST_REDIS_CLUSTER_URL"];
    if (fromEnv) return fromEnv;
    if (!onPath("redis-server") || !onPath("redis-cli")) return undefined;
    try {
      return await startRedisCluster();
    } catch (e) {
      failures.cluster = `the Redis cluster did not start: ${(e as Error).message}`;
      return undefined;
    }
  })();
  return clusterPromise;
}

/** A name no other test run uses: for key prefixes, table names and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A realm id (digits) no other test or process uses, for tests on shared keys such as the default prefix. */
export function uniqueRealmId(): string {
  return `9${process.pid}${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`.slice(
    0,
    32,
  );
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

/** Two free ports, the second for the cluster bus. */
async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

function clusterState(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write("CLUSTER INFO\r\n"));
    let out = "";
    socket.setTimeout(1000, () => (socket.destroy(), resolve("")));
    socket.on("data", (d) => {
      out += d.toString();
      if (!out.includes("cluster_state:")) return;
      socket.destroy();
      resolve(/cluster_state:(\w+)/.exec(out)?.[1] ?? "");
    });
    socket.on("error", () => resolve(""));
  });
}

async function startRedisCluster(): Promise<string> {
  const ports = await freePorts(6);
  const nodes = [0, 1, 2].map((i) => ({ port: ports[i] as number, bus: ports[i + 3] as number }));
  for (const { port, bus } of nodes) {
    const dir = mkdtempSync(join(tmpdir(), "intuit-test-cluster-"));
    spawnGuarded(
      `redis-server --port "$2" --cluster-port "$3" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 --save '' --appendonly no --dir "$1" >"$1/redis.log" 2>&1 & pid=$!
cat >/dev/null; kill $pid; wait $pid; rm -rf "$1"`,
      [dir, String(port), String(bus)],
    );
  }
  for (const { port } of nodes) await waitFor("redis-server (cluster node)", () => redisPing(port));
  const create = spawnSync(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (create.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  for (const { port } of nodes)
    await waitFor("the Redis cluster", async () => (await clusterState(port)) === "ok");
  return `redis://127.0.0.1:${nodes[0]?.port}`;
}

/** A server a test may kill (SIGKILL) and start again on the same port and data directory. */
export interface KillableServer {
  url: string;
  port: number;
  /** The server's directory (its data, its log). Removed when the test process exits. */
  dir: string;
  /** SIGKILLs the server and waits until its port refuses connections. */
  kill(): Promise<void>;
  /** Starts it again (same port, same data) and waits until it answers. */
  start(): Promise<void>;
}

/**
 * Runs `command` under a shell that obeys "kill" and "start" lines on its stdin, and stops the
 * server and removes `dir` when the stdin closes (this process exiting, even by SIGKILL). With
 * `pidFile`, "kill" signals the PID on that file's first line (a server started through runuser).
 */
function spawnControlled(dir: string, command: string[], pidFile?: string) {
  const script = `d="$1"; pidfile="$2"; shift 2
"$@" >>"$d/server.log" 2>&1 & pid=$!
target() { if [ -n "$pidfile" ] && [ -f "$pidfile" ]; then head -1 "$pidfile"; else echo $pid; fi; }
while read -r cmd; do
  case "$cmd" in
    kill) t=$(target); kill -9 "$t" 2>/dev/null; kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
      while kill -0 "$t" 2>/dev/null; do sleep 0.05; done ;;
    start) "$@" >>"$d/server.log" 2>&1 & pid=$! ;;
  esac
done
t=$(target); kill -INT "$t" 2>/dev/null; kill $pid 2>/dev/null; wait $pid; rm -rf "$d"`;
  const child = spawn("sh", ["-c", script, "sh", dir, pidFile ?? "", ...command], {
    cwd: dir,
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  child.unref();
  const stdin = child.stdin as unknown as NodeJS.WritableStream & { unref(): void };
  stdin.unref();
  return (line: "kill" | "start") => stdin.write(`${line}\n`);
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => (socket.destroy(), resolve(false)));
    socket.on("error", () => resolve(true));
  });
}

/** A private redis-server with extra arguments (e.g. `--appendonly yes`), which the test may kill. */
export async function killableRedis(args: string[] = []): Promise<KillableServer> {
  const dir = mkdtempSync(join(tmpdir(), "intuit-test-redis-"));
  const port = await freePort();
  const send = spawnControlled(dir, [
    "redis-server",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    ...args,
  ]);
  await waitFor("redis-server", () => redisPing(port));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    kill: async () => {
      send("kill");
      await waitFor("redis-server to die", () => portRefuses(port));
    },
    start: async () => {
      send("start");
      await waitFor("redis-server", () => redisPing(port));
    },
  };
}

/**
 * A private PostgreSQL cluster with durable commits (fsync and synchronous_commit on), which the
 * test may kill: "kill" SIGKILLs the postmaster, and "start" runs crash recovery on the same data.
 */
export async function killablePostgres(): Promise<KillableServer> {
  const dir = mkdtempSync(join(tmpdir(), "intuit-test-pg-"));
  const asUser = postgresUser(dir);
  const data = join(dir, "data");
  const init = spawnSync(
    asUser[0] ?? join(POSTGRES_BIN, "initdb"),
    [
      ...asUser.slice(1),
      ...(asUser.length ? [join(POSTGRES_BIN, "initdb")] : []),
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ],
    { encoding: "utf8", cwd: dir },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  const port = await freePort();
  const command = [
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
  ];
  const send = spawnControlled(dir, command, join(data, "postmaster.pid"));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ready = () => postgresAnswers(url);
  await waitFor("PostgreSQL", ready);
  return {
    url,
    port,
    dir,
    kill: async () => {
      send("kill");
      await waitFor("PostgreSQL to die", () => portRefuses(port));
    },
    start: async () => {
      // Its backends may outlive the postmaster for a moment; until they exit, a new one refuses to start.
      const deadline = Date.now() + 60_000;
      for (;;) {
        send("start");
        try {
          await waitFor("PostgreSQL", ready, 3_000);
          return;
        } catch (e) {
          if (Date.now() > deadline) throw e;
        }
      }
    },
  };
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** `runuser -u postgres --` when running as root (PostgreSQL refuses root), after giving it `dir`. */
function postgresUser(dir: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0)
    throw new Error("running as root and there is no `postgres` OS user");
  chownSync(dir, uid, gid);
  return ["runuser", "-u", "postgres", "--"];
}
