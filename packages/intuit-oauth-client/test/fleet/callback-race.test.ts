// Two servers racing with one callback, on a store that marks keys one at a time (as the file store
// does): exactly one wins. Checking state and code as one list let each racer win one key of the
// pair, and both were refused (seen as a flake in the 4-process file-store test under load).
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { test } from "node:test";
import { CallbackError, type StateStore } from "../../src/index.js";
import { consumeCallback } from "../../src/oauth/single-use.js";

/**
 * Marks keys one by one like a store of one file per key. The first caller is slow between its keys
 * (a busy disk), so the second one can overtake it.
 */
function oneKeyAtATime(): StateStore {
  const used = new Set<string>();
  let calls = 0;
  return {
    async consume(keys) {
      const pause = calls++ === 0 ? 5 : 0;
      const seen: string[] = [];
      for (const [i, key] of keys.entries()) {
        if (i > 0) for (let n = 0; n < pause; n++) await tick();
        await tick();
        if (used.has(key)) seen.push(key);
        else used.add(key);
      }
      return seen;
    },
    async release(keys) {
      for (const key of keys) used.delete(key);
    },
  };
}

test("one callback delivered twice at once: exactly one exchange goes ahead", async () => {
  for (let round = 0; round < 20; round++) {
    const store = oneKeyAtATime();
    const callback = { state: `state-${round}`, code: `code-${round}` };
    const outcomes = await Promise.allSettled([
      consumeCallback(store, callback, 60_000),
      consumeCallback(store, callback, 60_000),
    ]);
    const won = outcomes.filter((o) => o.status === "fulfilled");
    assert.equal(won.length, 1, `round ${round}: ${outcomes.map((o) => o.status).join(", ")}`);
    const lost = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    assert.ok(lost.reason instanceof CallbackError);
    assert.equal(lost.reason.reason, "state_reused");
  }
});
