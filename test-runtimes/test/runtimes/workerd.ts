// Starts workerd on 127.0.0.1 for a test: a generated Cap'n Proto config (one module worker, no
// compatibility flags, so no nodejs_compat), with outbound fetch allowed to loopback only, so the
// worker reaches the emulator and nothing else. The port comes from workerd's control channel.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runtimeBinary, runtimeEnv } from "./harness.js";

/** One ES module of the worker: `name` is what other modules import it by. */
export interface WorkerModule {
  name: string;
  /** A file to copy in, or the module's source. */
  path?: string;
  source?: string;
}

export interface WorkerdOptions {
  /** The first module is the worker's main module. */
  modules: readonly WorkerModule[];
  /** Text bindings, seen by the worker as `env.NAME`. */
  bindings?: Readonly<Record<string, string>>;
  /** Default: no flags at all. */
  compatibilityFlags?: readonly string[];
}

export interface Workerd {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What workerd wrote to stderr so far (for failure messages). */
  stderr(): string;
  close(): Promise<void>;
}

/** The compatibility date the tests and the example's README use. */
export const COMPATIBILITY_DATE = "2026-01-01";

/** A Cap'n Proto text literal (JSON's escapes are valid there for what we write). */
const text = (s: string) => JSON.stringify(s);

/** The config: the worker as service "main", loopback-only outbound, one socket on 127.0.0.1:0. */
export function workerdConfig(options: WorkerdOptions, fileOf: (m: WorkerModule) => string): string {
  const modules = options.modules.map((m) => `(name = ${text(m.name)}, esModule = embed ${text(fileOf(m))})`);
  const bindings = Object.entries(options.bindings ?? {}).map(
    ([k, v]) => `(name = ${text(k)}, text = ${text(v)})`,
  );
  const flags = (options.compatibilityFlags ?? []).map(text);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    ( name = "main",
      worker = (
        modules = [${modules.join(", ")}],
        compatibilityDate = ${text(COMPATIBILITY_DATE)},
        compatibilityFlags = [${flags.join(", ")}],
        bindings = [${bindings.join(", ")}],
        globalOutbound = "loopback",
      ),
    ),
    # fetch() from the worker may reach 127.0.0.0/8 (the emulator) and nothing else.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);
`;
}

/** Starts workerd with `options`; resolves once it listens. */
export async function startWorkerd(options: WorkerdOptions): Promise<Workerd> {
  const dir = mkdtempSync(join(tmpdir(), "intuit-workerd-"));
  const fileOf = (m: WorkerModule) => `module-${options.modules.indexOf(m)}.js`;
  for (const m of options.modules) {
    const target = join(dir, fileOf(m));
    if (m.path !== undefined) copyFileSync(m.path, target);
    else writeFileSync(target, m.source ?? "");
  }
  writeFileSync(join(dir, "config.capnp"), workerdConfig(options, fileOf));
  const child = spawn(runtimeBinary("workerd"), ["serve", join(dir, "config.capnp"), "--control-fd=3"], {
    cwd: ROOT,
    env: runtimeEnv(),
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const port = await listeningPort(child, () => stderr);
    return {
      url: `http://127.0.0.1:${port}`,
      stderr: () => stderr,
      close: async () => {
        await stop(child);
        cleanup();
      },
    };
  } catch (err) {
    await stop(child);
    cleanup();
    throw err;
  }
}

/** The port from workerd's first `{"event":"listen",…}` control message. */
function listeningPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const control = child.stdio[3] as NodeJS.ReadableStream | null;
    let buffered = "";
    const timer = setTimeout(() => fail(new Error("workerd did not listen within 30 s")), 30_000);
    function fail(err: Error) {
      clearTimeout(timer);
      reject(new Error(`${err.message}\nworkerd output:\n${stderr()}`));
    }
    control?.setEncoding("utf8");
    control?.on("data", (d: string) => {
      buffered += d;
      for (const line of buffered.split("\n").slice(0, -1)) {
        const message = JSON.parse(line) as { event?: string; port?: number };
        if (message.event === "listen" && typeof message.port === "number") {
          clearTimeout(timer);
          resolve(message.port);
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
    child.on("error", fail);
    child.on("exit", (code, signal) => fail(new Error(`workerd exited early (${code ?? signal})`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
