// Row 4: cold start. A fresh `node` process that loads the package, timed from spawn to exit, and
// its RSS right after loading (printed by the child). Ours is the BUILT package (dist, through its
// `exports`), loaded by import() and by require(); against require("intuit-oauth") and the limit,
// `node -e` that loads nothing.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "./context.js";
import { alternate, fmt, fmtX, pairedRatio, summarize, type Row, type Summary } from "./stats.js";

// The library package: its dist/, and `require("intuit-oauth-client")` resolves to itself there.
const ROOT = fileURLToPath(new URL("../packages/intuit-oauth-client/", import.meta.url));
const PRINT_RSS = "process.stdout.write(String(process.memoryUsage().rss))";
const SCRIPTS = {
  baseline: PRINT_RSS,
  ours: `import("intuit-oauth-client").then(() => { ${PRINT_RSS}; })`,
  oursRequire: `require("intuit-oauth-client"); ${PRINT_RSS}`,
  peer: `require("intuit-oauth"); ${PRINT_RSS}`,
} as const;
type Kind = keyof typeof SCRIPTS;
const MIB = 1024 * 1024;

/** Spawns `node -e script` in the package root; resolves with wall ms and the child's RSS. */
function coldStart(script: string): Promise<{ ms: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env["NODE_OPTIONS"];
    const start = performance.now();
    const child = spawn(process.execPath, ["-e", script], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = performance.now() - start;
      const rss = Number(out.trim());
      if (code !== 0 || !Number.isFinite(rss) || rss <= 0)
        return reject(new Error(`cold-start child failed (${code}): ${err.slice(0, 500)}`));
      resolve({ ms, rss });
    });
  });
}

export async function benchColdStart({ config }: BenchContext): Promise<Row[]> {
  if (!existsSync(`${ROOT}/dist/index.js`) || !existsSync(`${ROOT}/dist/index.cjs`))
    throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");
  const rss: Record<Kind, number[]> = { baseline: [], ours: [], oursRequire: [], peer: [] };
  const runner = (kind: Kind) => async () => {
    const r = await coldStart(SCRIPTS[kind]);
    rss[kind].push(r.rss);
    return r.ms;
  };
  const kinds: Kind[] = ["baseline", "ours", "oursRequire", "peer"];
  const runs = { runs: config.runs, warmup: config.warmup };
  const samples = await alternate(
    kinds.map((k) => ({ name: k, run: runner(k) })),
    runs,
  );
  const ms = (k: Kind) => samples.get(k) ?? [];
  // Drop the warm-up runs' RSS so the pairs line up with the timed rounds.
  const rssOf = (k: Kind) => rss[k].slice(-runs.runs);
  const rssDelta = (k: Kind): Summary =>
    summarize(rssOf(k).map((v, i) => (v - (rssOf("baseline")[i] as number)) / MIB));
  const wallVsBase = pairedRatio(ms("ours"), ms("baseline"));
  const oursDelta = rssDelta("ours");
  const met = wallVsBase.median <= 1.3 && oursDelta.median <= 8;
  const label: Record<Kind, string> = {
    baseline: "limit: node -e (nothing loaded)",
    ours: 'ours: import("intuit-oauth-client")',
    oursRequire: 'ours: require("intuit-oauth-client")',
    peer: 'intuit-oauth: require("intuit-oauth")',
  };
  const notes = [
    "Spawn to exit of a fresh process; the child prints process.memoryUsage().rss right after loading. Our figures are for the built package (dist) resolved through package.json `exports`.",
    `RSS over the baseline (paired per round): ours (import) +${fmt(oursDelta.median)} MiB, ours (require) +${fmt(rssDelta("oursRequire").median)} MiB, intuit-oauth +${fmt(rssDelta("peer").median)} MiB.`,
  ];
  if (wallVsBase.median > 1.3)
    notes.push(`MISSED: ours takes ${fmtX(wallVsBase.median)}× the baseline's wall time, target ≤ 1.3×.`);
  if (oursDelta.median > 8)
    notes.push(`MISSED: ours adds ${fmt(oursDelta.median)} MiB of RSS, target ≤ 8 MiB.`);
  return [
    {
      id: "4",
      what: "Cold start: spawn → exit (ms) and RSS after load",
      contenders: kinds.map((k) => ({
        name: label[k],
        summary: summarize(ms(k)),
        unit: "ms",
        extra: `RSS ${fmt(summarize(rssOf(k)).median / MIB)} MiB${k === "baseline" ? "" : ` (+${fmt(rssDelta(k).median)} MiB)`}`,
      })),
      ratios: [
        { label: "ours (import) / limit", summary: wallVsBase },
        { label: "ours (require) / limit", summary: pairedRatio(ms("oursRequire"), ms("baseline")) },
        { label: "intuit-oauth / limit", summary: pairedRatio(ms("peer"), ms("baseline")) },
        { label: "ours (import) / intuit-oauth", summary: pairedRatio(ms("ours"), ms("peer")) },
      ],
      target: "≤ 1.3× the baseline's wall time; RSS ≤ baseline + 8 MiB",
      met,
      notes,
      facts: {
        oursWallRatio: wallVsBase.median,
        oursRssDeltaMiB: oursDelta.median,
        peerRssDeltaMiB: rssDelta("peer").median,
      },
    },
  ];
}
