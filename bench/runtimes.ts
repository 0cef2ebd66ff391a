// Row 8: ID-token validation in Bun, Deno and workerd, each against that runtime's own limit (raw Web
// Crypto verify with a cached key, plus the same claim checks). The measuring half
// (id-token-in-runtime.ts) is bundled with esbuild into one import-free module and run inside each
// runtime; the runtime reports ops/s per round and this side turns them into rows.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import {
  PORTABLE_BUILD,
  ROOT,
  requireRuntime,
  run,
  runtimeBinary,
  type RuntimeName,
} from "../test-runtimes/test/runtimes/harness.js";
import { startWorkerd } from "../test-runtimes/test/runtimes/workerd.js";
import type { BenchContext } from "./context.js";
import { CLIENT_ID, ISSUER, KID, signIdToken } from "./fixtures.js";
import type { InRuntimeConfig, InRuntimeResult } from "./id-token-in-runtime.js";
import { fmt, fmtX, pairedRatio, summarize, type ContenderResult, type Row } from "./stats.js";

const TARGET = 0.7;
const LIMIT = "limit (crypto.subtle.verify + checkClaims)";

// As the portable build is made (tsup.config.ts): a module with a `.web.ts` sibling is replaced by it.
const useWebSiblings: Plugin = {
  name: "use-web-siblings",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const base = resolve(dirname(args.importer), args.path.replace(/\.js$/, ""));
      if (existsSync(`${base}.web.ts`)) return { path: `${base}.web.ts` };
      return existsSync(`${base}.ts`) ? { path: `${base}.ts` } : undefined;
    });
  },
};

/** id-token-in-runtime.ts as one ES module with no imports (checkClaims and the stats inlined). */
async function bundleMeasurer(): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, "bench", "id-token-in-runtime.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
    plugins: [useWebSiblings],
  });
  const text = out.outputFiles[0]?.text ?? "";
  if (/^\s*import\b|\bfrom\s*["']/m.test(text))
    throw new Error("the in-runtime bench module imports something");
  return text;
}

// The entry scripts: print the measurer's result as one JSON line (Bun, Deno) or answer it (workerd).
const entry = (imports: string, libraries: string, args: string) => `${imports}
import { runIdTokenBench } from "./id-token-bench.js";
const result = await runIdTokenBench(${libraries}, JSON.parse(${args}));
console.log(JSON.stringify(result));
`;

const WORKER = `import * as ours from "intuit-oauth-client";
import { runIdTokenBench } from "./id-token-bench.js";
export default {
  async fetch(request) {
    return Response.json(await runIdTokenBench({ ours }, await request.json()));
  },
};
`;

interface Measured {
  result: InRuntimeResult;
  version: string;
}

function parseResult(stdout: string, what: string): InRuntimeResult {
  try {
    return JSON.parse(stdout.trim().split("\n").pop() ?? "") as InRuntimeResult;
  } catch {
    throw new Error(`${what} printed no result:\n${stdout.slice(0, 2000)}`);
  }
}

async function version(name: RuntimeName): Promise<string> {
  const out = await run(runtimeBinary(name), ["--version"], { timeoutMs: 30_000 });
  const line = out.stdout.trim().split("\n")[0] ?? "";
  return name === "bun" ? `Bun ${line}` : line.replace(/^deno/, "Deno").replace(/^workerd/, "workerd");
}

async function inBun(dir: string, config: InRuntimeConfig): Promise<Measured> {
  // `intuit-oauth-client` from a file inside the package resolves through its own exports, as an
  // installed package does: Bun picks the Node build.
  const script = join(dir, "bun-main.mjs");
  writeFileSync(
    script,
    entry(
      `import * as resolved from "intuit-oauth-client";\nimport * as portable from ${JSON.stringify(pathToFileURL(PORTABLE_BUILD).href)};`,
      `{ "ours (as Bun resolves it: dist/index.js)": resolved, "ours (portable: dist/edge)": portable }`,
      "process.argv[2]",
    ),
  );
  const out = await run(runtimeBinary("bun"), [script, JSON.stringify(config)], { timeoutMs: 300_000 });
  if (out.code !== 0) throw new Error(`bun exited ${out.code}: ${out.stderr.slice(0, 2000)}`);
  return { result: parseResult(out.stdout, "bun"), version: await version("bun") };
}

async function inDeno(dir: string, config: InRuntimeConfig): Promise<Measured> {
  const script = join(dir, "deno-main.mjs");
  writeFileSync(
    script,
    entry(
      `import * as ours from ${JSON.stringify(pathToFileURL(PORTABLE_BUILD).href)};`,
      `{ "ours (portable: dist/edge)": ours }`,
      "Deno.args[0]",
    ),
  );
  const flags = [
    "--no-npm",
    "--no-config",
    "--no-lock",
    "--no-remote",
    "--no-prompt",
    "--allow-net=127.0.0.1",
  ];
  const out = await run(runtimeBinary("deno"), ["run", ...flags, script, JSON.stringify(config)], {
    timeoutMs: 300_000,
  });
  if (out.code !== 0) throw new Error(`deno exited ${out.code}: ${out.stderr.slice(0, 2000)}`);
  return { result: parseResult(out.stdout, "deno"), version: await version("deno") };
}

async function inWorkerd(measurer: string, config: InRuntimeConfig): Promise<Measured> {
  const worker = await startWorkerd({
    modules: [
      { name: "worker.js", source: WORKER },
      { name: "id-token-bench.js", source: measurer },
      { name: "intuit-oauth-client", path: PORTABLE_BUILD },
    ],
  });
  try {
    const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(config) });
    const text = await res.text();
    if (res.status !== 200)
      throw new Error(`workerd answered ${res.status}: ${text.slice(0, 2000)}\n${worker.stderr()}`);
    return { result: JSON.parse(text) as InRuntimeResult, version: await version("workerd") };
  } finally {
    await worker.close();
  }
}

function row(id: string, runtime: RuntimeName, measured: Measured | { skipped: string }): Row {
  const what = `ID-token validation in ${runtime === "bun" ? "Bun" : runtime === "deno" ? "Deno (no npm mode)" : "workerd (no nodejs_compat)"}, warm JWKS (ops/s)`;
  const target = `≥ ${TARGET}× that runtime's limit`;
  if ("skipped" in measured)
    return {
      id,
      what,
      contenders: [{ name: LIMIT, unit: "ops/s", skipped: measured.skipped }],
      ratios: [],
      target,
      met: undefined,
      notes: [`Not measured: ${measured.skipped}.`],
      facts: {},
    };
  const { samples, decoder } = measured.result;
  const names = Object.keys(samples);
  const get = (n: string) => samples[n] ?? [];
  const ours = names.filter((n) => n !== "limit");
  const contenders: ContenderResult[] = names.map((n) => ({
    name: n === "limit" ? LIMIT : n,
    summary: summarize(get(n)),
    unit: "ops/s",
    extra: `${fmt(1e6 / summarize(get(n)).median)} µs/op`,
  }));
  const ratios = ours.map((n) => ({
    label: `${n.replace(/ \(.*$/, "")}${ours.length > 1 ? ` ${n.slice(n.indexOf("("))}` : ""} / limit`,
    summary: pairedRatio(get(n), get("limit")),
  }));
  const met = ratios.every((r) => r.summary.median >= TARGET);
  const notes = [
    `${measured.version}. The library build the runtime loads, measured inside the runtime: sequential awaited AuthClient.validateIdToken calls for a fixed time per run, RSA-2048 RS256, the JWKS fetched once from the loopback server and cached. The limit verifies with crypto.subtle and a CryptoKey imported once, decodes base64url with ${decoder}, and runs the library's own checkClaims.`,
  ];
  if (runtime === "bun")
    notes.push(
      'Bun resolves `import "intuit-oauth-client"` to the Node build (dist/index.js: node:crypto verify, Buffer), as the runtime test records; the portable build is measured beside it.',
    );
  if (runtime === "workerd")
    notes.push(
      "Run in one request to a module worker (the measuring code and the library are modules of the worker).",
    );
  for (const r of ratios)
    if (r.summary.median < TARGET)
      notes.push(`MISSED: ${r.label} is ${fmtX(r.summary.median)}×, target ≥ ${TARGET}×.`);
  return {
    id,
    what,
    contenders,
    ratios,
    target,
    met,
    notes,
    facts: Object.fromEntries(ratios.map((r, i) => [`ratio${i}`, r.summary.median])),
  };
}

export async function benchRuntimeIdToken({ config, keys, server }: BenchContext): Promise<Row[]> {
  const measurer = await bundleMeasurer();
  const jwk = keys.jwks.keys.find((k) => k["kid"] === KID) as JsonWebKey | undefined;
  if (!jwk) throw new Error("no bench key");
  const inRuntime: InRuntimeConfig = {
    token: signIdToken(keys.privateKey),
    jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
    issuer: ISSUER,
    clientId: CLIENT_ID,
    jwksUri: server.jwksUri,
    origin: server.origin,
    runs: config.runs,
    warmup: config.warmup,
    runMs: config.runMs,
  };
  const dir = join(ROOT, ".tmp", `bench-runtimes-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "id-token-bench.js"), measurer);
  const runners: Array<[string, RuntimeName, () => Promise<Measured>]> = [
    ["8a", "bun", () => inBun(dir, inRuntime)],
    ["8b", "deno", () => inDeno(dir, inRuntime)],
    ["8c", "workerd", () => inWorkerd(measurer, inRuntime)],
  ];
  try {
    const rows: Row[] = [];
    for (const [id, name, measure] of runners) {
      const skipped = requireRuntime(name); // throws under CI=true
      rows.push(row(id, name, skipped ? { skipped } : await measure()));
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
