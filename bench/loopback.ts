// The parent side of the loopback server: starts bench/loopback-server.ts in a child process on
// 127.0.0.1, and reads or resets its counters. Every round-trip benchmark uses this one server.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";

/** What the server counted since the last reset. */
export interface ServerStats {
  token: number;
  jwks: number;
  /** QuickBooks API requests (reads and query pages). */
  api: number;
  other: number;
  inFlight: number;
  peakInFlight: number;
}

export interface Loopback {
  port: number;
  origin: string;
  tokenEndpoint: string;
  jwksUri: string;
  stats(): Promise<ServerStats>;
  /** Zeroes the counters and sets the token endpoint's answer delay. */
  reset(delayMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SERVER = fileURLToPath(new URL("./loopback-server.ts", import.meta.url));

function admin(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Starts a loopback server serving `jwks` (a JWKS document) and a fixed token response. */
export async function startLoopback(jwks: unknown): Promise<Loopback> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SERVER], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, BENCH_JWKS: JSON.stringify(jwks) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`loopback server exited early (${code})`)));
    child.once("error", reject);
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    tokenEndpoint: `${origin}/oauth2/v1/tokens/bearer`,
    jwksUri: `${origin}/op/v1/jwks`,
    stats: async () => JSON.parse(await admin(port, "/__stats")) as ServerStats,
    reset: async (delayMs = 0) => {
      await admin(port, `/__reset?delayMs=${delayMs}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin?.end();
      }),
  };
}
