// The token request's form body string builder gives exactly URLSearchParams' bytes (the WHATWG
// urlencoded serializer) for any field names and values, lone surrogates included.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { formBody } from "../../src/http/form-body.js";

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom("a b", "!'()~*-._", "%20+&=", "\uD800", "x\uDC00y", "\uD83D\uDE00", "é", ""),
);

test("formBody equals new URLSearchParams(fields).toString() for any fields", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(text, text), { maxLength: 6 }), (pairs) => {
      const fields: Record<string, string> = {};
      for (const [k, v] of pairs) fields[k] = v;
      assert.equal(formBody(fields), new URLSearchParams(fields).toString());
    }),
    { numRuns: 2000 },
  );
});

test("formBody of a refresh request, as Intuit receives it", () => {
  assert.equal(
    formBody({ grant_type: "refresh_token", refresh_token: "AB11 x+y/z=" }),
    "grant_type=refresh_token&refresh_token=AB11+x%2By%2Fz%3D",
  );
});
