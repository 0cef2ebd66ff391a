// Reliability tests write what they proved (cases run, faults tried, secrets found) to
// test-output/reliability/<name>.json, so scripts/reliability-report.ts can build docs/reliability.md
// from the last run instead of from numbers typed by hand.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SUMMARY_DIR = join(import.meta.dirname, "..", "..", "test-output", "reliability");

/** Overwrites this file's summary with `data` plus the run's date, Node version and CI flag. */
export function writeSummary(name: string, data: Record<string, unknown>): void {
  mkdirSync(SUMMARY_DIR, { recursive: true });
  const summary = {
    name,
    ...data,
    at: new Date().toISOString(),
    node: process.version,
    ci: process.env["CI"] === "true",
  };
  writeFileSync(join(SUMMARY_DIR, `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
}

/** fast-check runs per property: 10,000 under CI=true, a few hundred locally. */
export const NUM_RUNS = process.env["CI"] === "true" ? 10_000 : 300;
