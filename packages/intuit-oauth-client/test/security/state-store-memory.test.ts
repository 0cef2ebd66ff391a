// MemoryStateStore (issue 19, item 14): every key is checked before any is marked, and the marks are
// made in one synchronous step, so a consume that fails leaves none of its keys marked.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryStateStore } from "../../src/index.js";

test("a consume with a bad key anywhere in the list marks nothing", async () => {
  const store = new MemoryStateStore();
  for (const bad of ["", "x".repeat(513), 42 as unknown as string])
    await assert.rejects(store.consume(["event-a", bad, "event-b"], 60_000), { code: "ERR_CONFIGURATION" });
  await assert.rejects(store.consume(["event-a", "event-b"], 0), { code: "ERR_CONFIGURATION" });
  assert.equal(store.size, 0);
  assert.deepEqual(await store.consume(["event-a", "event-b"], 60_000), []);
});

test("a clock that fails fails the consume before any key is marked", async () => {
  let fail = true;
  const store = new MemoryStateStore({
    clock: () => {
      if (fail) throw new Error("clock failure");
      return Date.now();
    },
  });
  await assert.rejects(store.consume(["event-a", "event-b"], 60_000), /clock failure/);
  fail = false;
  assert.deepEqual(await store.consume(["event-a", "event-b"], 60_000), []);
});
