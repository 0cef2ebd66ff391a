// `npm run bench`: runs every benchmark, prints the table and writes BENCHMARKS.md.
//   --quick     tiny sizes, one run each (what the smoke test uses); implies --no-write
//   --no-write  print only
//   --profile   also profile our side of rows 2a and 10 (bench/profiles/*.cpuprofile, top-15 table)
//   --only=1,3  run some rows (ids or names: id-token, refresh, herd, cold-start, footprint,
//               get-access-token, scale, runtimes, api-limits, api-read, query-all, due); BENCHMARKS.md is only written for a full run
import os from "node:os";
import { fileURLToPath } from "node:url";
import { profileRows } from "./profile.js";
import { writeReport } from "./report.js";
import { benchConfig, renderText } from "./stats.js";
import { runSuite } from "./suite.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only="));
const only = onlyArg ? onlyArg.slice("--only=".length).split(",").filter(Boolean) : [];
const write = !quick && !args.includes("--no-write") && only.length === 0;

const startedAt = new Date();
const loadBefore = os.loadavg();
const t0 = performance.now();
const config = benchConfig(quick);
console.log(
  `intuit-oauth-client benchmarks${quick ? " (quick)" : ""}: Node ${process.version}, load ${loadBefore.map((l) => l.toFixed(2)).join(" ")}`,
);
const profile: string[] = [];
const rows = await runSuite({
  quick,
  only,
  onRows: (r, ms) => console.log(`${renderText(r)}    (${(ms / 1000).toFixed(1)} s)\n`),
  ...(args.includes("--profile")
    ? {
        after: async (ctx) => {
          profile.push(...(await profileRows(ctx, ROOT)));
          console.log(profile.join("\n"));
        },
      }
    : {}),
});
const durationMs = performance.now() - t0;
const missed = rows.filter((r) => r.met === false);
console.log(
  `done in ${(durationMs / 1000).toFixed(0)} s; ${missed.length ? `MISSED: rows ${missed.map((r) => r.id).join(", ")}` : "all targets met"}`,
);
if (write) {
  const command =
    process.env["npm_lifecycle_event"] === "bench"
      ? "npm run bench"
      : `node --import tsx bench/run.ts ${args.join(" ")}`.trim();
  writeReport(
    `${ROOT}/BENCHMARKS.md`,
    rows,
    {
      command,
      startedAt,
      durationMs,
      loadBefore,
      loadAfter: os.loadavg(),
      runs: config.runs,
      warmup: config.warmup,
      runMs: config.runMs,
    },
    ROOT,
    profile,
  );
  console.log(`wrote BENCHMARKS.md`);
}
