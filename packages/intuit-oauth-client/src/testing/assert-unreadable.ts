// Checks that an error is the library's UnreadableRecordError for one realm, by name and code (the
// suite may run against another copy of the library), and that it carries no token values.
import assert from "node:assert/strict";

/** What a conformance test expects of an UnreadableRecordError. */
export interface ExpectedUnreadable {
  realmId: string;
  /** One of UnreadableRecordError's reasons, when the test knows it. */
  reason?: string | undefined;
  /** Texts that must not appear in the message, the location or the cause's message. */
  secrets?: readonly string[] | undefined;
}

function prototypeNames(value: object): string[] {
  const names: string[] = [];
  for (
    let p = Object.getPrototypeOf(value) as object | null;
    p;
    p = Object.getPrototypeOf(p) as object | null
  )
    names.push((p.constructor as { name?: string } | undefined)?.name ?? "");
  return names;
}

/** Asserts `error` is an UnreadableRecordError for `expected.realmId`; returns true for assert.rejects. */
export function assertUnreadable(error: unknown, expected: ExpectedUnreadable): true {
  assert.ok(error instanceof Error, "an Error");
  const e = error as Error & { code?: unknown; realmId?: unknown; location?: unknown; reason?: unknown };
  assert.equal(e.name, "UnreadableRecordError", `${e.name}: ${e.message}`);
  assert.equal(e.code, "ERR_UNREADABLE_RECORD");
  assert.ok(prototypeNames(e).includes("TokenStoreError"), "a TokenStoreError subclass");
  assert.equal(e.realmId, expected.realmId);
  assert.ok(e.location === undefined || typeof e.location === "string", "location is a string or undefined");
  if (expected.reason !== undefined) assert.equal(e.reason, expected.reason, e.message);
  const cause = e.cause instanceof Error ? e.cause.message : "";
  for (const secret of expected.secrets ?? [])
    for (const text of [e.message, String(e.location ?? ""), cause])
      assert.equal(text.includes(secret), false, `the error shows ${secret}`);
  return true;
}
