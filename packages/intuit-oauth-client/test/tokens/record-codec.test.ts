// The record codec every text-keeping store uses: enc:v2: must open only with the right key, the
// right realm and the full, untouched 16-byte tag; anything else is an UnreadableRecordError.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { UnreadableRecordError } from "../../src/index.js";
import { recordCodec } from "../../src/store-kit.js";
import { fullRecord } from "../../src/testing/index.js";

const key = randomBytes(32);
const codec = recordCodec({ encryptionKey: key });
const record = fullRecord("4620816365");
const where = { realmId: "4620816365", location: "test row 1" };

function parts(text: string): [string, string, string] {
  assert.match(text, /^enc:v2:/);
  return text.slice("enc:v2:".length).split(".") as [string, string, string];
}
const join = (iv: string, tag: string, data: string, ...more: string[]) =>
  `enc:v2:${[iv, tag, data, ...more].join(".")}`;
const b64 = (b: Buffer) => b.toString("base64url");
const flip = (part: string, byte = 0) => {
  const b = Buffer.from(part, "base64url");
  b[byte] = (b[byte] ?? 0) ^ 1;
  return b64(b);
};

test("encode then decode round-trips; each write has a fresh IV", () => {
  const a = codec.encode(record);
  const b = codec.encode(record);
  assert.notEqual(a, b);
  assert.deepEqual(codec.decode(a, where), record);
  const [iv, tag] = parts(a);
  assert.equal(Buffer.from(iv, "base64url").length, 12);
  assert.equal(Buffer.from(tag, "base64url").length, 16);
});

test("a truncated, extended or altered tag, IV or ciphertext is refused", () => {
  const [iv, tag, data] = parts(codec.encode(record));
  const fullTag = Buffer.from(tag, "base64url");
  const cases: Array<[string, string]> = [
    ["tag truncated to 12 bytes", join(iv, b64(fullTag.subarray(0, 12)), data)],
    ["tag truncated to 8 bytes", join(iv, b64(fullTag.subarray(0, 8)), data)],
    ["tag truncated to 4 bytes", join(iv, b64(fullTag.subarray(0, 4)), data)],
    ["tag with an extra byte", join(iv, b64(Buffer.concat([fullTag, Buffer.of(0)])), data)],
    ["tag with a flipped bit", join(iv, flip(tag), data)],
    ["IV with a flipped bit", join(flip(iv), tag, data)],
    ["IV of 16 bytes", join(b64(randomBytes(16)), tag, data)],
    ["ciphertext with a flipped bit", join(iv, tag, flip(data, 5))],
    ["ciphertext cut short", join(iv, tag, data.slice(0, -4))],
    ["junk inside the ciphertext", join(iv, tag, `${data.slice(0, 8)}!${data.slice(8)}`)],
    ["junk inside the tag", join(iv, `${tag.slice(0, 4)}*${tag.slice(4)}`, data)],
    ["a fourth part", join(iv, tag, data, "AAAA")],
    ["two parts", `enc:v2:${iv}.${tag}`],
    ["nothing after the prefix", "enc:v2:"],
  ];
  for (const [name, text] of cases)
    assert.throws(
      () => codec.decode(text, where),
      (e: unknown) => {
        assert.ok(e instanceof UnreadableRecordError, name);
        assert.equal(e.reason, "undecryptable", name);
        assert.equal(e.realmId, "4620816365");
        assert.equal(e.location, "test row 1");
        return true;
      },
      name,
    );
});

test("a record decodes only for the realm it was encrypted for", () => {
  const text = codec.encode(record);
  assert.throws(() => codec.decode(text, { realmId: "4620816366" }), {
    name: "UnreadableRecordError",
    realmId: "4620816366",
    reason: "undecryptable",
  });
  const plain = recordCodec({});
  assert.throws(() => plain.decode(JSON.stringify(record), { realmId: "4620816366" }), {
    name: "UnreadableRecordError",
    realmId: "4620816366",
    reason: "realm_mismatch",
  });
});

test("a jsonb column's parsed object is checked like text", () => {
  const plain = recordCodec({});
  const parsed = JSON.parse(JSON.stringify(record)) as unknown;
  assert.deepEqual(plain.decode(parsed, where), record);
  assert.throws(() => plain.decode(parsed, { realmId: "other" }), { reason: "realm_mismatch" });
  assert.throws(() => codec.decode(parsed, where), { reason: "plaintext_refused" });
  assert.deepEqual(
    recordCodec({ encryptionKey: key, allowPlaintextRecords: true }).decode(parsed, where),
    record,
  );
});
