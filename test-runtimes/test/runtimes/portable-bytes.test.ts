// The portable bytes module (src/common/bytes.web.ts) takes Uint8Array.fromBase64/toBase64 where the
// runtime has them (Bun, Deno, workerd), which Node 20 lacks: so test/crypto only checks the atob/btoa
// fallback. Here the native path runs in Deno and Bun and must agree with Node's Buffer byte for byte.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { build } from "esbuild";
import { LIBRARY, requireRuntime, run, runtimeBinary, type RuntimeName } from "./harness.js";

const bytes = [
  new Uint8Array(0),
  Uint8Array.of(0),
  Uint8Array.of(255, 239),
  Uint8Array.of(251, 255, 191), // "+//" and "-__": the two alphabets differ here
  ...Array.from({ length: 150 }, (_, i) => new Uint8Array(randomBytes(i % 7 === 0 ? 300 + i : i))),
];
const texts = ["", "plain", "Café ☕ — ünïcödé", "𝄞 surrogate pairs 😀", "\u0000nul"];
// Set bits after the last byte: every decoder drops them; id-token.ts re-encodes to refuse them.
const loose = ["AB", "AAB", "_-9"];

const SCRIPT = (moduleUrl: string) => `
import * as b from ${JSON.stringify(moduleUrl)};
const cases = ${JSON.stringify({ bytes: bytes.map((x) => Buffer.from(x).toString("hex")), texts, loose })};
const hex = (u8) => Array.from(u8, (x) => x.toString(16).padStart(2, "0")).join("");
const fromHex = (h) => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));
console.log(JSON.stringify({
  native: typeof Uint8Array.fromBase64 === "function" && typeof Uint8Array.prototype.toBase64 === "function",
  bytes: cases.bytes.map((h) => {
    const u8 = fromHex(h);
    return [b.toBase64(u8), b.toBase64Url(u8), hex(b.fromBase64Url(b.toBase64Url(u8)))];
  }),
  texts: cases.texts.map((t) => [hex(b.utf8(t)), b.fromUtf8(b.utf8(t))]),
  loose: cases.loose.map((s) => hex(b.fromBase64Url(s))),
}));
`;

for (const runtime of ["deno", "bun"] as const satisfies readonly RuntimeName[]) {
  test(
    `${runtime}: native base64 in the portable bytes module equals Buffer's`,
    { skip: requireRuntime(runtime) },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "intuit-bytes-"));
      try {
        const bundled = await build({
          entryPoints: [join(LIBRARY, "src", "common", "bytes.web.ts")],
          bundle: true,
          write: false,
          format: "esm",
          platform: "neutral",
          logLevel: "silent",
        });
        writeFileSync(join(dir, "bytes.js"), bundled.outputFiles[0]?.text ?? "");
        writeFileSync(join(dir, "main.mjs"), SCRIPT("./bytes.js"));
        const args = runtime === "deno" ? ["run", "--no-npm", "--no-config", "--no-remote", "--no-lock"] : [];
        const out = await run(runtimeBinary(runtime), [...args, join(dir, "main.mjs")]);
        assert.equal(out.code, 0, out.stderr);
        const got = JSON.parse(out.stdout) as {
          native: boolean;
          bytes: string[][];
          texts: string[][];
          loose: string[];
        };
        assert.equal(got.native, true, `${runtime} has Uint8Array.fromBase64 and toBase64`);
        assert.deepEqual(
          got.bytes,
          bytes.map((x) => {
            const buf = Buffer.from(x);
            return [buf.toString("base64"), buf.toString("base64url"), buf.toString("hex")];
          }),
        );
        assert.deepEqual(
          got.texts,
          texts.map((t) => [Buffer.from(t, "utf8").toString("hex"), t]),
        );
        assert.deepEqual(
          got.loose,
          loose.map((s) => Buffer.from(s, "base64url").toString("hex")),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
