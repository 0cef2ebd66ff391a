// Support for the fleet tests: child processes running test/fleet/fixtures/fleet-child.ts, and a
// loopback QuickBooks stand-in that counts, per realm, requests in flight and when each arrived.
import { fork, type ChildProcess } from "node:child_process";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** Starts a child; resolves once it says it is ready. */
export async function startChild(): Promise<ChildProcess> {
  const child = fork(join(import.meta.dirname, "fixtures", "fleet-child.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await reply(child, "ready");
  return child;
}

/** Resolves with the child's next message of `type`; rejects if it exits first. */
export function reply<T = Record<string, unknown>>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`child exited (${code ?? signal}) before "${type}"`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** Stops children that are still running. */
export async function stopChildren(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      const exited = new Promise((r) => c.once("exit", r));
      if (c.connected) c.send({ type: "stop" });
      else c.kill("SIGKILL");
      return exited;
    }),
  );
}

/** What the stand-in saw for one realm. */
export interface RealmTraffic {
  inFlight: number;
  peak: number;
  /** Arrival times (epoch ms), in order. */
  arrivals: number[];
  /** Requests by method. */
  methods: Record<string, number>;
}

/** A QuickBooks stand-in on 127.0.0.1: answers `{}` after `delayMs`; `…/hold` is answered only by `releaseHeld()`. */
export async function countingServer(delayMs: number) {
  const realms = new Map<string, RealmTraffic>();
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const match = /^\/v3\/company\/([^/]+)\/([^/?]+)/.exec(req.url ?? "");
    const realmId = decodeURIComponent(match?.[1] ?? "none");
    let t = realms.get(realmId);
    if (!t) realms.set(realmId, (t = { inFlight: 0, peak: 0, arrivals: [], methods: {} }));
    const traffic = t;
    traffic.inFlight++;
    traffic.peak = Math.max(traffic.peak, traffic.inFlight);
    traffic.arrivals.push(Date.now());
    traffic.methods[req.method ?? "?"] = (traffic.methods[req.method ?? "?"] ?? 0) + 1;
    // Over when the answer is sent or the client's socket goes away (a killed process).
    res.once("close", () => traffic.inFlight--);
    req.resume();
    req.on("end", () => {
      if (match?.[2] === "hold") return void held.push(res);
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"time":"2026-01-01T00:00:00Z"}');
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    traffic(realmId: string): RealmTraffic {
      return realms.get(realmId) ?? { inFlight: 0, peak: 0, arrivals: [], methods: {} };
    },
    releaseHeld(): void {
      for (const res of held.splice(0)) if (!res.writableEnded) res.writeHead(200).end("{}");
    },
    close(): Promise<void> {
      this.releaseHeld();
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** The most arrivals within any span of `spanMs` (a sliding window over the arrival times). */
export function busiestWindow(arrivals: readonly number[], spanMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= spanMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** The state stores a fleet test runs against: a file directory, Redis and PostgreSQL. */
export type StateStoreKind = "file" | "redis" | "postgres";
