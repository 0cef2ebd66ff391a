// The web (non-Node) crypto and bytes modules agree with node:crypto and Buffer: they are what
// workerd, Deno and edge runtimes run, so they are checked here on Node against the reference.
import assert from "node:assert/strict";
import { createHash, createHmac, generateKeyPairSync, sign } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import * as webBytes from "../../src/common/bytes.web.js";
import * as nodeBytes from "../../src/common/bytes.js";
import * as webDigest from "../../src/crypto/digest.web.js";
import * as webRsa from "../../src/crypto/rsa.web.js";
import * as nodeRsa from "../../src/crypto/rsa.js";

const bytes = fc.uint8Array({ maxLength: 300 });

test("pure-JS SHA-256, HMAC-SHA256 and HMAC-SHA1 equal node:crypto's", () => {
  fc.assert(
    fc.property(bytes, bytes, (key, data) => {
      assert.deepEqual(Buffer.from(webDigest.sha256(data)), createHash("sha256").update(data).digest());
      assert.deepEqual(
        Buffer.from(webDigest.hmacSha256(key, data)),
        createHmac("sha256", key).update(data).digest(),
      );
      assert.deepEqual(
        Buffer.from(webDigest.hmacSha1(key, data)),
        createHmac("sha1", key).update(data).digest(),
      );
    }),
    { numRuns: 500 },
  );
  // FIPS 180 test vector and a two-block message.
  assert.equal(
    Buffer.from(webDigest.sha256(new TextEncoder().encode("abc"))).toString("hex"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  const long = new Uint8Array(1_000_000).fill(0x61);
  assert.deepEqual(Buffer.from(webDigest.sha256(long)), createHash("sha256").update(long).digest());
});

test("web bytes: base64, base64url and UTF-8 equal Buffer's", () => {
  fc.assert(
    fc.property(bytes, fc.string({ unit: "grapheme", maxLength: 100 }), (data, text) => {
      assert.equal(webBytes.toBase64(data), nodeBytes.toBase64(data));
      assert.equal(webBytes.toBase64Url(data), nodeBytes.toBase64Url(data));
      assert.deepEqual(webBytes.fromBase64Url(nodeBytes.toBase64Url(data)), new Uint8Array(data));
      assert.deepEqual(webBytes.utf8(text), new Uint8Array(nodeBytes.utf8(text)));
      assert.equal(webBytes.fromUtf8(webBytes.utf8(text)), text);
    }),
    { numRuns: 500 },
  );
});

test("Web Crypto RS256 agrees with node:crypto; keys under 2048 bits are refused by both", async () => {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const data = new TextEncoder().encode("header.payload");
  const signature = sign("sha256", data, privateKey);
  const webKey = await webRsa.importRsaKey(jwk);
  const nodeKey = await nodeRsa.importRsaKey(jwk);
  assert.ok(webKey && nodeKey);
  assert.equal(await webRsa.verifyRs256(webKey, data, signature), true);
  assert.equal(await nodeRsa.verifyRs256(nodeKey, data, signature), true);
  const tampered = Uint8Array.from(signature);
  tampered[10] = (tampered[10] ?? 0) ^ 1;
  assert.equal(await webRsa.verifyRs256(webKey, data, tampered), false);
  assert.equal(await nodeRsa.verifyRs256(nodeKey, data, tampered), false);
  const small = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
  assert.equal(await webRsa.importRsaKey(small), undefined);
  assert.equal(await nodeRsa.importRsaKey(small), undefined);
  assert.equal(await webRsa.importRsaKey({ n: 5, e: "AQAB" }), undefined);
});
