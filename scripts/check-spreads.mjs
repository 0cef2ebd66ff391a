// Flags spread-then-add object literals on the request path: `{ ...x, k: v }`, `{ ...a, ...b }`,
// `{ k: v, ...x }`. Why: in Node 20's V8 (11.3) such a literal takes a slow path (0.8–3.3 µs each,
// against 15–170 ns for an explicit literal or a for-in copy) and makes a new hidden class every
// time, which turns node:http's own inline caches megamorphic (issue 22's profile). A lone spread
// copy (`{ ...x }`) is fast and allowed. A literal that is off the hot path may say so on the line
// before: `// spread-ok: <why>`. `npm run check` runs this.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

const ROOT = new URL("../packages/intuit-oauth-client/", import.meta.url).pathname;

/** The request path: the transports and HttpClient, the token endpoint modules, the API helper's send path. */
const REQUEST_PATH = [
  /^src\/http\/(?!.*\.web\.ts$).*\.ts$/,
  /^src\/oauth\/token-[^/]+\.ts$/,
  /^src\/oauth\/id-token\.ts$/,
  /^src\/api\/(quickbooks|url|limits|metering|request-id)\.ts$/,
  /^src\/stores\/memory\/(api-limits|realm-limiter)\.ts$/,
];

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else out.push(relative(ROOT, path));
  }
  return out;
}

export function findSpreads(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split("\n");
  const found = [];
  const visit = (node) => {
    if (ts.isObjectLiteralExpression(node) && node.properties.length > 1) {
      if (node.properties.some((p) => ts.isSpreadAssignment(p))) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
        const before = lines[line - 1] ?? "";
        if (!/\/\/ spread-ok: \S/.test(before) && !/\/\/ spread-ok: \S/.test(lines[line] ?? ""))
          found.push(`${file}:${line + 1}: ${lines[line].trim().slice(0, 100)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const checked = files(join(ROOT, "src")).filter((f) => REQUEST_PATH.some((re) => re.test(f)));
  const found = checked.flatMap((f) => findSpreads(f, readFileSync(join(ROOT, f), "utf8")));
  if (found.length > 0) {
    console.error(
      `Spread-then-add object literals on the request path (slow in Node 20's V8; build the object explicitly, or mark an off-path one "// spread-ok: <why>"):\n${found.join("\n")}`,
    );
    process.exit(1);
  }
  console.log(`request path: no spread-then-add object literals (${checked.length} files)`);
}
