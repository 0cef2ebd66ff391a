// Row 5: install footprint. Ours: runtime dependencies from package.json (walked transitively, as
// for the peer) and the unpacked size `npm pack --dry-run` reports. intuit-oauth: its production
// dependency closure as installed in node_modules (Node's resolution, nested first), counted and
// summed file by file. Sizes are file bytes, not disk blocks. Deterministic: measured once.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "./context.js";
import { fmt, summarize, type Row } from "./stats.js";

// The library package (what `npm pack` publishes) and the repository (whose node_modules hold the peer).
const ROOT = fileURLToPath(new URL("../packages/intuit-oauth-client", import.meta.url)).replace(/\/$/, "");
const REPO = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** Bytes of every file under `dir` (and disk blocks used), not descending into nested node_modules. */
function packageBytes(dir: string): { bytes: number; disk: number } {
  const total = { bytes: 0, disk: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      const sub = packageBytes(p);
      total.bytes += sub.bytes;
      total.disk += sub.disk;
    } else if (entry.isFile()) {
      const st = statSync(p);
      total.bytes += st.size;
      total.disk += st.blocks * 512;
    }
  }
  return total;
}

/** Where `name` resolves from the package in `from`: its own node_modules, then each parent's. */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; dir.startsWith(REPO); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === REPO) break;
  }
  return undefined;
}

/** The package directories of `start` and everything it needs at run time. */
export function dependencyClosure(start: string): { dirs: string[]; missing: string[] } {
  const seen = new Set<string>([start]);
  const missing: string[] = [];
  const queue = [start];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const m = manifest(dir);
    const required = Object.keys(m.dependencies ?? {});
    const optional = Object.keys(m.optionalDependencies ?? {});
    for (const name of [...required, ...optional]) {
      const found = resolvePackage(name, dir);
      if (!found) {
        if (required.includes(name)) missing.push(`${name} (from ${m.name ?? dir})`);
        continue;
      }
      if (!seen.has(found)) {
        seen.add(found);
        queue.push(found);
      }
    }
  }
  return { dirs: [...seen], missing };
}

interface PackResult {
  unpackedSize: number;
  size: number;
  entryCount: number;
  files: Array<{ path: string; size: number }>;
}

export async function benchFootprint(_ctx: BenchContext): Promise<Row[]> {
  const ours = manifest(ROOT);
  const ourDeps =
    Object.keys(ours.dependencies ?? {}).length + Object.keys(ours.optionalDependencies ?? {}).length;
  const ourClosure = ourDeps === 0 ? 0 : dependencyClosure(ROOT).dirs.length - 1;
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as PackResult[];
  const pack = packed[0];
  if (!pack) throw new Error("npm pack --dry-run returned nothing");

  const peerDir = join(REPO, "node_modules", "intuit-oauth");
  const closure = dependencyClosure(peerDir);
  const sizes = closure.dirs.map(packageBytes);
  const peerBytes = sizes.reduce((sum, s) => sum + s.bytes, 0);
  const peerDisk = sizes.reduce((sum, s) => sum + s.disk, 0);
  const peerOwnBytes = packageBytes(peerDir).bytes;
  const fileBytes = (re: RegExp) => pack.files.filter((f) => re.test(f.path)).reduce((n, f) => n + f.size, 0);
  const coreEsm = fileBytes(/^dist\/index\.js$/);
  const named: Array<[string, number]> = [
    ["core (index, ESM + CJS, with types)", fileBytes(/^dist\/index\.(c?js|d\.c?ts)$/)],
    ["portable build (dist/edge)", fileBytes(/^dist\/edge\//)],
    ["CLI", fileBytes(/^dist\/cli\./)],
    ["emulator", fileBytes(/^dist\/emulator\./)],
    ["Redis/PostgreSQL stores", fileBytes(/^dist\/(redis|postgres)\./)],
    ["testing subpath", fileBytes(/^dist\/testing\./)],
    ["docs/", fileBytes(/^docs\//)],
    ["README, CHANGELOG, LICENSE, package.json", fileBytes(/^(README|CHANGELOG|LICENSE|package)/)],
  ];
  const namedBytes = named.reduce((n, [, b]) => n + b, 0);
  const parts = [
    ...named,
    ["shared type chunks and the rest", pack.unpackedSize - namedBytes] as [string, number],
  ];
  const peerDirect = Object.keys(manifest(peerDir).dependencies ?? {}).length;
  const share = pack.unpackedSize / peerBytes;
  const met = ourClosure === 0 && share <= 0.05;
  const one = (n: number) => summarize([n]);
  const notes = [
    `Ours: ${ourDeps} runtime dependencies in package.json (redis and pg are optional peer dependencies, not installed with us); ${pack.entryCount} files, ${fmt(pack.size / 1024)} KiB packed, ${fmt(pack.unpackedSize / 1024)} KiB unpacked (npm pack --dry-run).`,
    `intuit-oauth: ${peerDirect} direct dependencies → ${closure.dirs.length} packages including itself, ${fmt(peerBytes / 1e6)} MB of files as installed in node_modules (its own package: ${fmt(peerOwnBytes / 1024)} KiB).`,
    `Where our bytes are: ${parts.map(([what, n]) => `${what} ${fmt(n / 1024)} KiB`).join(", ")}. The core an application loads, in one module format (dist/index.js), is ${fmt(coreEsm / 1024)} KiB = ${fmt((coreEsm / peerBytes) * 100)}% of intuit-oauth's bytes.`,
    `intuit-oauth's closure occupies ${fmt(peerDisk / 1e6)} MB of disk blocks (du-style), against ${fmt(peerBytes / 1e6)} MB of file bytes; the ratio uses file bytes for both.`,
    "Deterministic figures, measured once (no min–max).",
  ];
  if (closure.missing.length > 0) notes.push(`Not installed, so not counted: ${closure.missing.join(", ")}.`);
  if (ourClosure !== 0) notes.push(`MISSED: ours has ${ourClosure} runtime dependencies, target 0.`);
  if (share > 0.05) notes.push(`MISSED: ours is ${fmt(share * 100)}% of intuit-oauth's bytes, target ≤ 5%.`);
  return [
    {
      id: "5",
      what: "Install footprint: runtime packages (transitive) and bytes",
      contenders: [
        {
          name: "ours",
          summary: one(pack.unpackedSize / 1e6),
          unit: "MB",
          extra: `${ourClosure} runtime dependencies`,
        },
        {
          name: "intuit-oauth",
          summary: one(peerBytes / 1e6),
          unit: "MB",
          extra: `${closure.dirs.length} packages (incl. itself)`,
        },
      ],
      ratios: [{ label: "ours bytes / intuit-oauth bytes", summary: one(share) }],
      target: "0 runtime dependencies; ≤ 5% of intuit-oauth's bytes",
      met,
      notes,
      facts: {
        ourDependencies: ourClosure,
        ourBytes: pack.unpackedSize,
        peerPackages: closure.dirs.length,
        peerBytes,
      },
    },
  ];
}
