// Encryption keys: exactly 32 bytes after strict decoding (hex, base64, base64url), never junk that
// Buffer.from would silently skip, never an all-same-byte key; every accepted form is the same key.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileTokenStore, type EncryptionKey } from "../../src/index.js";
import { minimalRecord } from "../../src/testing/index.js";

// A key whose base64 has both `+` and `/` (and whose base64url has `-` and `_`), so each
// alphabet is exercised.
function mixedKey(): Buffer {
  for (;;) {
    const k = randomBytes(32);
    const b64 = k.toString("base64");
    if (b64.includes("+") && b64.includes("/")) return k;
  }
}

const key = mixedKey();
const hex = key.toString("hex");
const b64 = key.toString("base64");
const b64url = key.toString("base64url");

function open(encryptionKey: EncryptionKey, dir: string): FileTokenStore {
  return new FileTokenStore({ directory: dir, encryptionKey });
}

test("every accepted form of a key decodes to the same 32 bytes", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "intuit-key-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const record = minimalRecord("4620816365");
  await open(key, dir).set(record);
  const forms: Array<[string, EncryptionKey]> = [
    ["Buffer", key],
    ["Uint8Array", new Uint8Array(key)],
    ["hex", hex],
    ["HEX", hex.toUpperCase()],
    ["base64", b64],
    ["base64 without padding", b64.replace(/=+$/, "")],
    ["base64url", b64url],
    ["base64url with padding", `${b64url}=`],
    ["surrounding whitespace (a key file's newline)", `  ${b64}\n`],
  ];
  for (const [name, form] of forms) assert.deepEqual(await open(form, dir).get(record.realmId), record, name);
});

test("junk, wrong lengths and all-same-byte keys are refused with ConfigurationError", () => {
  // The last base64url character carries 2 spare bits; a non-zero spare bit is not canonical.
  const last = b64url.at(-1)!;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const sloppyLast = alphabet[alphabet.indexOf(last) ^ 1]!;
  const bad: Array<[string, EncryptionKey]> = [
    ["base64 with a junk character", `${b64.slice(0, 10)}!${b64.slice(10)}`],
    ["base64 with inner whitespace", `${b64.slice(0, 10)} ${b64.slice(10)}`],
    ["base64 with a dot", `${b64.slice(0, 20)}.${b64.slice(20)}`],
    ["hex with a junk character", `${hex.slice(0, 63)}g`],
    ["hex with a trailing junk character", `${hex}z`],
    ["both base64 alphabets", b64.replace("/", "_")],
    ["non-canonical spare bits", `${b64url.slice(0, -1)}${sloppyLast}`],
    ["too much padding", `${b64}=`],
    ["31 bytes", randomBytes(31).toString("base64")],
    ["33 bytes", randomBytes(33).toString("hex")],
    ["empty", ""],
    ["32 zero bytes", Buffer.alloc(32)],
    ["32 zero bytes as hex", "00".repeat(32)],
    ["32 zero bytes as base64", Buffer.alloc(32).toString("base64")],
    ["32 × 0xab", Buffer.alloc(32, 0xab)],
    ["32 × 0xff as a Uint8Array", new Uint8Array(32).fill(0xff)],
  ];
  for (const [name, form] of bad)
    assert.throws(
      () => open(form, "/nonexistent-dir-never-created"),
      (e: Error) => {
        assert.equal(e.name, "ConfigurationError", name);
        assert.equal((e as { code?: string }).code, "ERR_CONFIGURATION", name);
        if (typeof form === "string" && form.length > 8)
          assert.equal(e.message.includes(form.trim()), false, `${name}: the key is not echoed`);
        return true;
      },
      name,
    );
});

test("a junk key in INTUIT_OAUTH_ENCRYPTION_KEY is refused too", () => {
  const saved = process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
  process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] = `${b64.slice(0, 10)}*${b64.slice(10)}`;
  try {
    assert.throws(() => new FileTokenStore({ directory: "/nonexistent-dir-never-created" }), {
      name: "ConfigurationError",
    });
    process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] = hex;
    assert.doesNotThrow(() => new FileTokenStore({ directory: "/nonexistent-dir-never-created" }));
  } finally {
    if (saved === undefined) delete process.env["INTUIT_OAUTH_ENCRYPTION_KEY"];
    else process.env["INTUIT_OAUTH_ENCRYPTION_KEY"] = saved;
  }
});
