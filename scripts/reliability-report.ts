// Generates docs/reliability.md from a fresh run of the reliability tests: it runs them with the
// node test runner (TAP), reads the summaries each test file writes to test-output/reliability/,
// and writes the table. Nothing in the report is typed by hand.
// Usage: node --import tsx scripts/reliability-report.ts   (CI=true for 10,000 cases per property)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const outDir = join(root, "test-output", "reliability");
const ci = process.env["CI"] === "true";

if (!existsSync(join(root, "dist", "cli.js"))) {
  console.error("dist/ is missing: run `npm run build` first (the SIGKILL and CLI tests use the build)");
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const files = [
  ...readdirSync(join(root, "test", "reliability"))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => join("test", "reliability", f)),
  join("test", "tokens", "file-store.test.ts"),
];
const started = Date.now();
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-reporter=tap", ...files],
  { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
);
const seconds = Math.round((Date.now() - started) / 1000);
const tap = run.stdout;
writeFileSync(join(outDir, "run.tap"), tap);
const total = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);
const totals = { tests: total("tests"), pass: total("pass"), fail: total("fail"), skipped: total("skipped") };
const failed = [...tap.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1] ?? "");

type Summary = Record<string, unknown>;
const summaries = new Map<string, Summary>();
for (const f of readdirSync(outDir).filter((f) => f.endsWith(".json")))
  summaries.set(f.replace(/\.json$/, ""), JSON.parse(readFileSync(join(outDir, f), "utf8")) as Summary);
const get = (name: string) => summaries.get(name);
const missing = (name: string) => `not recorded (${name} did not finish; see failures)`;

const rows: Array<[string, string, string]> = [];
const matrix = get("fault-matrix");
if (matrix) {
  const ops = (matrix["operations"] as string[]).length;
  const faults = (matrix["faults"] as string[]).length;
  rows.push([
    "Faults tried",
    `${matrix["passed"]} of ${matrix["cases"]} passed (${ops} operations × ${faults} faults)`,
    String(matrix["command"]),
  ]);
} else rows.push(["Faults tried", missing("fault-matrix"), ""]);
const abuse = get("callback-abuse");
rows.push([
  "Callback abuse rejected before any exchange",
  abuse ? `${abuse["passed"]} of ${abuse["cases"]}` : missing("callback-abuse"),
  abuse ? String(abuse["command"]) : "",
]);
let fuzzTotal = 0;
for (const [name, s] of [...summaries].filter(([n]) => n.startsWith("fuzz-")).sort()) {
  const props = s["properties"] as Array<{ property: string; numRuns: number }>;
  const cases = props.reduce((n, p) => n + p.numRuns, 0);
  fuzzTotal += cases;
  const per = new Set(props.map((p) => p.numRuns));
  rows.push([
    `Cases fuzzed: ${name.replace(/^fuzz-/, "")}`,
    `${cases.toLocaleString("en-US")} (${props.length} properties × ${[...per].join("/")} runs)`,
    String(s["command"]),
  ]);
}
rows.push([
  "Cases fuzzed: total",
  fuzzTotal.toLocaleString("en-US"),
  "CI=true node scripts/run-tests.mjs test/reliability/fuzz",
]);
const sigkill = get("file-store-sigkill");
rows.push([
  "Kills survived: FileTokenStore, SIGKILL at random moments",
  sigkill ? String(sigkill["killsSurvived"]) : missing("file-store SIGKILL test"),
  "npm run build && node scripts/run-tests.mjs test/tokens/file-store",
]);
const crash = get("store-crash");
const survived = (crash?.["survived"] ?? {}) as Record<string, number>;
for (const server of ["Redis", "PostgreSQL"])
  rows.push([
    `Kills survived: ${server} connection killed mid-refresh`,
    String(survived[server] ?? `0 (skipped or failed: no ${server} server?)`),
    "node scripts/run-tests.mjs test/reliability/store-crash",
  ]);
const restart = get("server-restart");
for (const [key, server] of [
  ["redis", "Redis"],
  ["postgres", "PostgreSQL"],
] as const) {
  const r = restart?.[key] as Record<string, number> | undefined;
  rows.push([
    `Server SIGKILLed and restarted mid-herd: ${server}`,
    r
      ? `${r["kills"]} kills in ${r["rounds"]} expiry rounds: ${r["refreshes"]} refreshes, ${r["stored"]} stored, ${r["interrupted"]} cut off and made again, ${r["lost"]} tokens lost`
      : `not recorded (skipped or failed: no ${server} server?)`,
    "node scripts/run-tests.mjs test/reliability/server-restart",
  ]);
}
const hygiene = get("secret-hygiene");
rows.push([
  "Secrets found",
  hygiene
    ? `${hygiene["secretsFound"]} (${hygiene["secretValues"]} secret values × ${hygiene["surfacesScanned"]} surfaces: ${hygiene["logLines"]} log lines, ${hygiene["errorsScanned"]} errors, ${hygiene["cliRuns"]} CLI runs)`
    : missing("secret-hygiene"),
  hygiene ? String(hygiene["command"]) : "",
]);

const cell = (t: string) => t.replace(/\|/g, "\\|");
const md = `# Reliability report

Generated by \`node --import tsx scripts/reliability-report.ts\` from its own run of the reliability
tests. Do not edit by hand: run the script again.

- Date: ${new Date().toISOString()}
- Node: ${process.version} (${process.platform} ${process.arch})
- CI: ${ci ? "true (10,000 cases per fuzz property)" : "false (300 cases per fuzz property; run with CI=true for 10,000)"}
- Test run: ${totals.tests} tests, ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped, ${seconds} s

| What | Result | Reproduce |
|---|---|---|
${rows.map(([a, b, c]) => `| ${cell(a)} | ${cell(b)} | ${c ? `\`${cell(c)}\`` : ""} |`).join("\n")}
${failed.length ? `\n## Failures\n\n${failed.map((f) => `- ${f}`).join("\n")}\n` : ""}
## What each row proves

- **Faults tried**: \`test/reliability/fault-matrix.test.ts\`. Each operation (discovery, JWKS,
  code exchange, refresh, revoke, userinfo, \`TokenManager.getAccessToken\`, a QuickBooks API call)
  meets each emulator fault. Every case checks four things. The error is a typed \`IntuitOAuthError\`.
  It carries the answer's \`intuit_tid\`. The emulator counted exactly as many requests as the retry
  policy allows. The case finished in under 3 s. For the token manager, the stored grant is unchanged
  and the emulator still accepts it.
- **Cases fuzzed**: \`test/reliability/fuzz-*.test.ts\` (fast-check). No forged or altered id token
  was accepted, and every rejection was an \`IdTokenError\` with a stable reason. Callbacks are
  accepted exactly when the state matches, and nothing is exchanged otherwise. Token bodies give
  either a usable \`TokenSet\` or an \`AuthClientError\`. Webhook verification returns booleans, and
  webhook parsing throws only \`WebhookPayloadError\`. Stored token sets either come back valid or
  throw \`TokenSetFormatError\`.
- **Kills survived**: the FileTokenStore SIGKILL test (\`test/tokens/file-store.test.ts\`) and
  \`test/reliability/store-crash.test.ts\`. The store connection is killed (\`CLIENT KILL\` or
  \`pg_terminate_backend\`) while a refresh is in flight. The lock then frees by lease expiry, the
  next caller succeeds, and the stored refresh token still refreshes.
- **Server SIGKILLed and restarted mid-herd**: \`test/reliability/server-restart.test.ts\`. Four
  processes of 20 callers each refresh one realm through forced expiries. The Redis server
  (append-only file, fsync always) or the PostgreSQL server is SIGKILLed twice and restarted: once
  right after a refresh was stored, and once while one is in flight. Every caller recovers, and all
  callers of a round get the same working token. No acknowledged write is lost, and the last one is
  the stored grant. Every token request was either stored or cut off by a kill, and the stored grant
  still refreshes.
- **Secrets found**: \`test/reliability/secret-hygiene.test.ts\`. The client secret, the OAuth1
  secrets and every issued code and token are searched for in several places: the logs, error
  messages and stacks, \`JSON.stringify\`/\`util.inspect\` of errors and of the client, and CLI
  output (except \`token\`).
`;
writeFileSync(join(root, "docs", "reliability.md"), md);
console.log(md);
if (run.status !== 0) {
  console.error(run.stderr.slice(-4000));
  process.exit(run.status ?? 1);
}
