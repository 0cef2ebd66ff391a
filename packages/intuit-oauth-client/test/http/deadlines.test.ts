// The transports' shared deadline timer: an earlier deadline added after a later one still fires
// first, a cancelled one never fires, and nothing stays pending.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { deadline, pendingDeadlines } from "../../src/http/deadlines.js";

// The timer is unreferenced (a request's socket keeps a process alive): hold the loop open here.
const hold = setInterval(() => {}, 1000);
after(() => clearInterval(hold));

test("deadlines fire in order whatever order they were added in; cancelled ones never fire", async () => {
  const fired: string[] = [];
  const cancelLong = deadline(600_000, () => fired.push("long"));
  const cancelEarly = deadline(5, () => fired.push("cancelled"));
  cancelEarly();
  await new Promise<void>((resolve) => deadline(20, () => resolve(void fired.push("short"))));
  // The cancelled deadline was due before the one that fired: had it been kept, it would be first.
  assert.deepEqual(fired, ["short"]);
  cancelLong();
  assert.equal(pendingDeadlines(), 0);
});

test("many deadlines due at once all fire", async () => {
  const all = Array.from(
    { length: 50 },
    (_, i) => new Promise<number>((r) => deadline(1 + (i % 3), () => r(i))),
  );
  assert.equal((await Promise.all(all)).length, 50);
  assert.equal(pendingDeadlines(), 0);
});
