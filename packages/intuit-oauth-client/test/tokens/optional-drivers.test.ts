// Loading the core must not load the optional `redis` or `pg` drivers (nor the stores' subpaths).
// Each case runs in a fresh node process; nothing here imports a driver itself.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const DRIVER = "^(redis|pg|@redis/[^/]+|pg-[a-z-]+)(/|$)";

// An ESM resolve hook that refuses the drivers, so any static or dynamic import of them fails.
const BLOCK_HOOK = `export async function resolve(specifier, context, next) {
  if (new RegExp(${JSON.stringify(DRIVER)}).test(specifier)) throw new Error("driver loaded: " + specifier);
  return next(specifier, context);
}`;

function runEsm(entry: string, extra = ""): { status: number | null; stdout: string; stderr: string } {
  const code = `import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(BLOCK_HOOK)}));
await import(${JSON.stringify(entry)});
${extra}
console.log("imported");`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

function runCjs(entry: string, extra = ""): { status: number | null; stdout: string; stderr: string } {
  const code = `require(${JSON.stringify(entry)});
${extra}
const loaded = Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](redis|pg|@redis[\\\\/][^\\\\/]+|pg-[a-z-]+)[\\\\/]/.test(f));
console.log(JSON.stringify([...new Set(loaded.map((f) => f.split(/node_modules[\\\\/]/)[1].split(/[\\\\/]/)[0]))]));`;
  const r = spawnSync(process.execPath, ["-e", code], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

test("the ESM check itself works: importing redis directly is caught", () => {
  const r = runEsm(join(root, "src/tokens/store.ts"), `await import("redis");`);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /driver loaded: redis/);
});

for (const entry of ["src/index.ts", "src/redis.ts", "src/postgres.ts"])
  test(`importing ${entry} loads neither redis nor pg`, () => {
    const r = runEsm(join(root, entry));
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "imported");
    assert.equal(r.status, 0);
  });

const esmDist = join(root, "dist/index.js");
test(
  "importing dist/index.js loads neither redis nor pg",
  { skip: !existsSync(esmDist) && "dist not built: run npm run build" },
  () => {
    const r = runEsm(esmDist);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "imported");
  },
);

const cjsDist = join(root, "dist/index.cjs");
test("the CJS check itself works: requiring pg shows in require.cache", () => {
  const r = runCjs("node:fs", `require("pg");`);
  assert.deepEqual(JSON.parse(r.stdout).sort(), [
    "pg",
    "pg-connection-string",
    "pg-pool",
    "pg-protocol",
    "pg-types",
  ]);
});

test(
  "requiring dist/index.cjs loads neither redis nor pg",
  { skip: !existsSync(cjsDist) && "dist not built: run npm run build" },
  () => {
    const r = runCjs(cjsDist);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, "[]");
  },
);

for (const sub of ["redis", "postgres"]) {
  const file = join(root, `dist/${sub}.cjs`);
  test(
    `requiring dist/${sub}.cjs loads no driver until the store connects`,
    { skip: !existsSync(file) && "dist not built: run npm run build" },
    () => {
      const r = runCjs(file);
      assert.equal(r.stderr, "");
      assert.equal(r.stdout, "[]");
    },
  );
}
