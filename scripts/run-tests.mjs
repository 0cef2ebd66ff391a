// Runs every *.test.ts file under packages/*/test and test/ with Node's own test runner (through
// tsx); with --runtimes, those under test-runtimes/test instead (Bun, Deno, workerd, the browser:
// `npm run test:runtimes` installs their tooling first). Node 20's --test does not expand globs,
// so this lists the files itself. Other arguments filter by path.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const runtimes = process.argv.includes("--runtimes");
const filters = process.argv.slice(2).filter((a) => a !== "--runtimes");
const roots = runtimes
  ? ["test-runtimes/test"]
  : [...readdirSync("packages").map((p) => join("packages", p, "test")), "test"];
const files = roots
  .flatMap((r) => find(r))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
