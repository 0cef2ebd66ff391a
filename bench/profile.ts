// `npm run bench -- --profile`: a CPU profile of our side of rows 2a (sequential refresh) and 10
// (qb.read), each run alone for a few seconds under the V8 profiler, written as .cpuprofile files
// (open them in Chrome DevTools) with the 15 functions of most self time as a table for the report.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { MemoryApiLimits, quickbooks } from "../packages/intuit-oauth-client/src/index.js";
import { HttpClient } from "../packages/intuit-oauth-client/src/protocol.js";
import type { BenchContext } from "./context.js";
import { ourClient } from "./fixtures.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** The `n` functions with the most self time, as markdown table rows. */
export function topFunctions(profile: CpuProfile, root: string, n = 15): string[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const node = byNode.get(samples[i] as number);
    const us = deltas[i + 1] ?? deltas[i] ?? 0;
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(`file://${root}`, "").replace(/^.*node_modules\//, "")}:${lineNumber + 1}`
      : "";
    const key = `\`${functionName || "(anonymous)"}\` | ${where || "(native)"}`;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return [
    "| # | Function | Where | Self time | Share |",
    "|---|---|---|---|---|",
    ...rows.map(
      ([key, us], i) =>
        `| ${i + 1} | ${key} | ${(us / 1000).toFixed(1)} ms | ${((100 * us) / total).toFixed(1)}% |`,
    ),
  ];
}

async function profiled(session: Session, ms: number, op: () => Promise<unknown>): Promise<CpuProfile> {
  for (let i = 0; i < 500; i++) await op(); // warm up before the profiler starts
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  const end = performance.now() + ms;
  while (performance.now() < end) for (let i = 0; i < 16; i++) await op();
  const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile };
  await session.post("Profiler.disable");
  return profile;
}

/** Profiles rows 2a and 10 (ours), writes bench/profiles/*.cpuprofile, returns the report section. */
export async function profileRows({ config, server }: BenchContext, root: string): Promise<string[]> {
  const ms = config.quick ? 200 : 4_000;
  const dir = join(root, "bench", "profiles");
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  const client = ourClient(server);
  const qb = quickbooks(
    {
      getAccessToken: async () => "bench-access-token",
      refresh: async () => undefined,
      http: new HttpClient(),
      apiLimits: new MemoryApiLimits({ perMinute: 100_000_000 }),
    },
    "9130350000000003",
    { baseUrl: server.origin },
  );
  const out = [
    "## CPU profile (`npm run bench -- --profile`)",
    "",
    `Our side of rows 2a and 10, each alone for ${ms / 1000} s under the V8 sampling profiler (100 µs), in this process (the loopback server runs in its own). Self time per function; the full profiles are in bench/profiles/ (open them in Chrome DevTools).`,
    "",
  ];
  const runs: Array<[string, string, () => Promise<unknown>]> = [
    [
      "2a",
      "refresh round trips, sequential (AuthClient.refresh)",
      () => client.refresh("bench-refresh-token-0", { updateClient: false }),
    ],
    ["10", "qb.read", () => qb.read("Customer", "1")],
  ];
  try {
    for (const [id, what, op] of runs) {
      const profile = await profiled(session, ms, op);
      writeFileSync(join(dir, `row-${id}.cpuprofile`), JSON.stringify(profile));
      out.push(`### Row ${id}: ${what}`, "", ...topFunctions(profile, root), "");
    }
  } finally {
    session.disconnect();
  }
  return out;
}
