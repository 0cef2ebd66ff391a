// Benchmark arithmetic and layout: medians with min and max, the alternating A,B,A,B runner that
// every ratio comes from, and the result row every benchmark returns. No timing logic lives here.

/** Median, min and max of a set of runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, runs: s.length };
}

/** The p-th percentile (0–100) of raw samples, nearest-rank. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank] as number;
}

/** How big a run is. `quick` is the tiny size the smoke test uses. */
export interface BenchConfig {
  quick: boolean;
  /** Runs measured per contender (after the warm-up). */
  runs: number;
  /** Warm-up runs per contender, discarded. */
  warmup: number;
  /** Length of one timed throughput run, ms. */
  runMs: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  return quick ? { quick, runs: 1, warmup: 0, runMs: 20 } : { quick, runs: 11, warmup: 2, runMs: 250 };
}

/** One contender: each call is one run and resolves with that run's figure. */
export interface Contender {
  name: string;
  run: () => Promise<number>;
}

/**
 * Runs every contender `warmup` times, then `runs` rounds of A, B, C, A, B, C… in one process,
 * so slow drift (thermal, neighbours, GC) hits every contender alike. Returns the samples by name,
 * in round order, so ratios can be paired round by round.
 */
export async function alternate(
  contenders: readonly Contender[],
  config: Pick<BenchConfig, "runs" | "warmup">,
): Promise<Map<string, number[]>> {
  for (let i = 0; i < config.warmup; i++) for (const c of contenders) await c.run();
  const out = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < config.runs; i++) {
    for (const c of contenders) {
      const v = await c.run();
      out.get(c.name)?.push(v);
    }
  }
  return out;
}

/** Ratio a/b for each round, summarised: the median of paired ratios, with their min and max. */
export function pairedRatio(a: readonly number[], b: readonly number[]): Summary {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((a[i] as number) / (b[i] as number));
  return summarize(ratios);
}

/** Runs `op` back to back for about `ms` and returns operations per second. */
export async function opsPerSecond(op: () => Promise<unknown>, ms: number, batch = 1): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  let now: number;
  do {
    for (let i = 0; i < batch; i++) await op();
    count += batch;
    now = performance.now();
  } while (now < end);
  return (count / (now - start)) * 1000;
}

/** Like {@link opsPerSecond} for synchronous work. */
export function opsPerSecondSync(op: () => unknown, ms: number, batch = 1): number {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  let now: number;
  do {
    for (let i = 0; i < batch; i++) op();
    count += batch;
    now = performance.now();
  } while (now < end);
  return (count / (now - start)) * 1000;
}

/** `workers` loops running `op(worker)` back to back for about `ms`; total operations per second. */
export async function concurrentOpsPerSecond(
  op: (worker: number) => Promise<unknown>,
  workers: number,
  ms: number,
): Promise<number> {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      while (performance.now() < end) {
        await op(w);
        count++;
      }
    }),
  );
  return (count / (performance.now() - start)) * 1000;
}

// ---- result rows ----

export interface ContenderResult {
  name: string;
  /** Absent when the contender was not measured (`skipped` says why). */
  summary?: Summary;
  unit: string;
  skipped?: string;
  /** Extra figures for this contender, already formatted (e.g. "p99 3.1 µs"). */
  extra?: string;
}

export interface RatioResult {
  /** e.g. "ours / limit". */
  label: string;
  summary: Summary;
}

/** One row of the results table. `met` is undefined when the row has no target. */
export interface Row {
  id: string;
  what: string;
  contenders: ContenderResult[];
  ratios: RatioResult[];
  target: string;
  met: boolean | undefined;
  /** Plain-language notes: how measured, why a target is missed or a figure absent. */
  notes: string[];
  /** Raw numbers tests may check (e.g. request counts). */
  facts: Record<string, number>;
}

/** Formats a number with 3 significant digits and thousands grouping. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString("en-US");
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

/** Formats a count: an integer, or a range when runs disagree. */
export function fmtCount(s: Summary): string {
  return s.min === s.max ? String(s.min) : `${s.min}–${s.max} (median ${fmt(s.median)})`;
}

export function fmtSummary(s: Summary, unit: string): string {
  const u = unit ? ` ${unit}` : "";
  return s.runs > 1 ? `${fmt(s.median)}${u} (${fmt(s.min)}–${fmt(s.max)})` : `${fmt(s.median)}${u}`;
}

/** Ratios keep three significant digits, so 0.797 never reads as a met 0.80. */
export function fmtX(n: number): string {
  return Number.isFinite(n) && Math.abs(n) < 10 ? n.toPrecision(3) : fmt(n);
}

export function fmtRatio(r: RatioResult): string {
  const s = r.summary;
  return s.runs > 1
    ? `${r.label}: ${fmtX(s.median)}× (${fmtX(s.min)}–${fmtX(s.max)})`
    : `${r.label}: ${fmtX(s.median)}×`;
}

export function fmtContender(c: ContenderResult): string {
  if (!c.summary) return `${c.name}: not measured${c.skipped ? ` (${c.skipped})` : ""}`;
  return `${c.name}: ${fmtSummary(c.summary, c.unit)}${c.extra ? `, ${c.extra}` : ""}`;
}

export function verdict(row: Row): string {
  return row.met === undefined ? "reported" : row.met ? "met" : "MISSED";
}

/** A plain-text table for the terminal. */
export function renderText(rows: readonly Row[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`[${row.id}] ${row.what}  →  ${verdict(row)}`);
    for (const c of row.contenders) lines.push(`    ${fmtContender(c)}`);
    for (const r of row.ratios) lines.push(`    ${fmtRatio(r)}`);
    lines.push(`    target: ${row.target}`);
    for (const n of row.notes) lines.push(`    note: ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table: what, contenders, ratios, target, result. */
export function renderMarkdown(rows: readonly Row[]): string {
  const out = [
    "| # | What | Median (min–max) per contender | Ratios (paired, alternating runs) | Target | Result |",
    "|---|---|---|---|---|---|",
  ];
  for (const row of rows) {
    out.push(
      `| ${row.id} | ${cell(row.what)} | ${row.contenders.map((c) => cell(fmtContender(c))).join("<br>")} | ${
        row.ratios.map((r) => cell(fmtRatio(r))).join("<br>") || "–"
      } | ${cell(row.target)} | **${verdict(row)}** |`,
    );
  }
  return out.join("\n");
}
