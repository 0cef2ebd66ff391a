// The benchmark suite: runs the rows in order against one shared context and collects the rows.
// bench/run.ts is the command line around it; the smoke test calls it in-process at --quick size.
import { benchApiLimits } from "./api-limits.js";
import { benchColdStart } from "./cold-start.js";
import { createContext, type BenchContext } from "./context.js";
import { benchApiRead, benchQueryAll } from "./data-plane.js";
import { benchDue } from "./due.js";
import { benchFootprint } from "./footprint.js";
import { benchGetAccessToken } from "./get-access-token.js";
import { benchHerd } from "./herd.js";
import { benchIdToken } from "./id-token.js";
import { benchRefresh } from "./refresh.js";
import { benchRuntimeIdToken } from "./runtimes.js";
import { benchScale } from "./scale.js";
import { benchUndici } from "./undici.js";
import type { Row } from "./stats.js";

export const BENCHMARKS: ReadonlyArray<{
  id: string;
  name: string;
  run: (ctx: BenchContext) => Promise<Row[]>;
}> = [
  { id: "1", name: "id-token", run: benchIdToken },
  { id: "2", name: "refresh", run: benchRefresh },
  { id: "3", name: "herd", run: benchHerd },
  { id: "4", name: "cold-start", run: benchColdStart },
  { id: "5", name: "footprint", run: benchFootprint },
  { id: "6", name: "get-access-token", run: benchGetAccessToken },
  { id: "7", name: "scale", run: benchScale },
  { id: "8", name: "runtimes", run: benchRuntimeIdToken },
  { id: "9", name: "api-limits", run: benchApiLimits },
  { id: "10", name: "api-read", run: benchApiRead },
  { id: "11", name: "query-all", run: benchQueryAll },
  { id: "12", name: "due", run: benchDue },
  { id: "13", name: "undici", run: benchUndici },
];

export interface SuiteOptions {
  quick: boolean;
  /** Row ids or names to run; all when empty. */
  only?: readonly string[];
  /** Called after each benchmark, e.g. to print its rows. */
  onRows?: (rows: Row[], ms: number) => void;
  /** Runs after the rows, with the same context (the CPU profile of `--profile`). */
  after?: (ctx: BenchContext) => Promise<void>;
}

/** A benchmark that threw: kept as a row so the report says so instead of silently omitting it. */
function failedRow(id: string, name: string, err: unknown): Row {
  return {
    id,
    what: `${name} (failed to run)`,
    contenders: [],
    ratios: [],
    target: "–",
    met: false,
    notes: [`The benchmark threw: ${(err as Error)?.stack ?? String(err)}`],
    facts: { failed: 1 },
  };
}

export async function runSuite(options: SuiteOptions): Promise<Row[]> {
  const only = options.only ?? [];
  const selected = BENCHMARKS.filter(
    (b) => only.length === 0 || only.includes(b.id) || only.includes(b.name),
  );
  const ctx = await createContext(options.quick);
  const rows: Row[] = [];
  try {
    for (const b of selected) {
      const start = performance.now();
      let out: Row[];
      try {
        out = await b.run(ctx);
      } catch (err) {
        out = [failedRow(b.id, b.name, err)];
      }
      rows.push(...out);
      options.onRows?.(out, performance.now() - start);
    }
    await options.after?.(ctx);
  } finally {
    await ctx.close();
  }
  return rows;
}
