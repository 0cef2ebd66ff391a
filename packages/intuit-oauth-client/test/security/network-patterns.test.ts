// Issue 19 (high), the rest of src/: every reader of network input that uses a pattern (Fault
// bodies, redaction, Retry-After, webhook types, the callback, expires_in, the CLI's reading of the
// consent page, the emulator's OAuth 1.0a header, Basic credentials and LIKE) runs on a
// pathological 256 KiB input within a deadline. Each runs in a worker, so one that backtracks for
// minutes is terminated and fails. The hand-written scanners that replaced patterns are checked
// against those patterns on small random inputs, where the patterns are still quick.
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { after, describe, test } from "node:test";
import fc from "fast-check";
import { parseFault } from "../../src/api/fault.js";
import { redactText, redactJwts } from "../../src/common/redact.js";
import { CASES } from "./network-patterns.worker.js";

const HANG_MS = 10_000;
/**
 * Linear work on 256 KiB takes a few ms; quadratic work takes seconds (2^36 steps). The bound sits
 * between, with room for a loaded 2-core machine, and a case over it is measured again before it fails.
 */
const BOUND_MS = 1000;
const TRIES = 4;

let worker: Promise<Worker> | undefined;
after(async () => (await worker)?.terminate());

/** A worker that loads TypeScript through tsx (a worker does not inherit the loader) and says ready. */
function startWorker(): Promise<Worker> {
  const url = new URL("./network-patterns.worker.ts", import.meta.url).href;
  const w = new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(url)}); });`,
    { eval: true },
  );
  return new Promise((resolve, reject) => {
    w.once("error", reject);
    w.once("message", () => resolve(w));
  });
}

/** Runs a case in the worker; rejects after `HANG_MS`, terminating the worker. */
async function timed(name: string): Promise<number> {
  worker ??= startWorker();
  const w = await worker;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      w.off("message", onMessage);
      worker = undefined;
      void w.terminate();
      reject(new Error(`${name}: still running after ${HANG_MS} ms`));
    }, HANG_MS);
    const onMessage = (m: { name: string; ms: number; known: boolean }) => {
      if (m.name !== name) return;
      clearTimeout(timer);
      w.off("message", onMessage);
      if (!m.known) reject(new Error(`no case ${name}`));
      else resolve(m.ms);
    };
    w.on("message", onMessage);
    w.postMessage(name);
  });
}

describe("readers of network input on 256 KiB pathological inputs", () => {
  for (const name of Object.keys(CASES)) {
    test(name, async () => {
      // At least twice: the first run also compiles; the least time is the work's, not the machine's.
      let ms = Math.min(await timed(name), await timed(name));
      for (let i = 2; i < TRIES && ms >= BOUND_MS; i++) ms = Math.min(ms, await timed(name));
      assert.ok(ms < BOUND_MS, `${name}: ${ms.toFixed(1)} ms`);
    });
  }
});

describe("the scanners agree with the patterns they replaced", () => {
  // The patterns as they were, quick on inputs this small.
  const OLD_JWT = /eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){2,4}/g;
  const KEYS =
    "access_token|refresh_token|id_token|code|client_secret|token|accessToken|refreshToken|idToken|clientSecret";
  const OLD_JSON = new RegExp(`("(?:${KEYS})"\\s*:\\s*")((?:[^"\\\\]|\\\\.)*)("?)`, "gi");
  const keep = (key: string, value: string) => {
    const v = value.replace(/^"|"$/g, "");
    return v === "" || (/^"?code/i.test(key) && /^\d{1,8}$/.test(v));
  };
  const oldJson = (text: string) =>
    text.replace(OLD_JSON, (m, pre: string, v: string, post: string) =>
      keep(pre, v) && post ? m : `${pre}[redacted]${post}`,
    );

  test("JWT redaction", () => {
    const piece = fc.constantFrom("eyJ", "eyJhbGc", "a", "Z", "0", "-", "_", ".", " ", '"', "ey", "J");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join("");
        assert.equal(redactJwts(text), text.replace(OLD_JWT, "[redacted-jwt]"), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  test("JSON secret values", () => {
    const piece = fc.constantFrom(
      '"access_token"',
      '"code"',
      '"Token"',
      '"token_type"',
      ":",
      " ",
      '"',
      "\\",
      '\\"',
      "123",
      "abc",
      ",",
      "{",
      "}",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 25 }), (parts) => {
        const text = parts.join("");
        // A text ending in a lone backslash inside an unclosed value: the old pattern left that
        // backslash after [redacted]; the scanner redacts it too, which is no less safe.
        fc.pre(!text.endsWith("\\"));
        // No `=`, Bearer or eyJ among the pieces: only the JSON step can change the text.
        assert.equal(redactText(text), oldJson(text), JSON.stringify(text));
      }),
      { numRuns: 5000 },
    );
  });

  test("XML Faults, on well-formed pieces", () => {
    const piece = fc.constantFrom(
      "<Fault>",
      "<ns2:Fault>",
      "</Fault>",
      "</fault >",
      "<Fault/>",
      '<Fault type="ValidationFault">',
      "<Fault type='x'>",
      "<Error>",
      "</Error>",
      '<Error code="610">',
      '<Error code="1" element="Name">',
      '<Error code="2"/>',
      "<Message>",
      "</Message>",
      "<Detail>",
      "</Detail>",
      "<code>",
      "</code>",
      "<type>",
      "</type>",
      "m",
      " ",
      "&amp;",
      "&#65;",
      "<![CDATA[x<y]]>",
      '<IntuitResponse time="2020">',
      "<!-- c -->",
      "<Other>",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = `<?xml version="1.0"?>${parts.join("")}`;
        assert.deepEqual(parseFault(text), oldXmlFault(text), text);
      }),
      { numRuns: 5000 },
    );
  });
});

test("redactText never throws, even on a 16 MiB value of escapes (the old pattern overflowed the stack)", () => {
  const text = `{"access_token":"${"\\a".repeat(8 * 1024 * 1024)}"}`;
  assert.equal(redactText(text), '{"access_token":"[redacted]"}');
});

// The XML Fault reader as it was (regexes), as the reference for the property above.
function oldXmlFault(text: string) {
  const NAME = (local: string) => `(?:[\\w.-]+:)?${local}`;
  const element = (local: string, flags: string) =>
    new RegExp(`<${NAME(local)}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${NAME(local)}\\s*>)`, flags);
  const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
  const decode = (value: string) =>
    value.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, cdata, ref: string) => {
      if (cdata !== undefined) return cdata as string;
      if (ref[0] === "#") {
        const n = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return String.fromCodePoint(n);
      }
      return ENTITIES[ref.toLowerCase()] ?? whole;
    });
  const attribute = (attrs: string, name: string) => {
    const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, "i").exec(attrs);
    const value = m?.[1] ?? m?.[2];
    return value === undefined ? undefined : decode(value);
  };
  const childText = (xml: string, local: string) => {
    const m = new RegExp(`<${NAME(local)}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${NAME(local)}\\s*>)`, "i").exec(xml);
    return m ? decode(m[1] ?? "").trim() : undefined;
  };
  const fault = element("Fault", "i").exec(text);
  if (!fault) return undefined;
  const errors = [...(fault[2] ?? "").matchAll(element("Error", "gi"))].map((m) => {
    const el = attribute(m[1] ?? "", "element");
    return {
      code: attribute(m[1] ?? "", "code") ?? childText(m[2] ?? "", "code") ?? "",
      message: childText(m[2] ?? "", "Message") ?? "",
      detail: childText(m[2] ?? "", "Detail"),
      ...(el ? { element: el } : {}),
    };
  });
  const root = /<(?:[\w.-]+:)?IntuitResponse\b([^>]*)>/i.exec(text);
  return {
    faultType: attribute(fault[1] ?? "", "type") ?? childText(fault[2] ?? "", "type"),
    errors,
    time: root ? attribute(root[1] ?? "", "time") : undefined,
  };
}
