// One shared, unreferenced timer for every request's deadline, instead of a setTimeout and a
// clearTimeout per request: on the request path those two calls cost more than the rest of the
// transport's bookkeeping. The timer is armed for the earliest deadline and re-armed when it fires.
// Unreferenced: an open request keeps the process alive through its socket, never through this timer.

/** A request's deadline: `fire` runs once when `at` (performance.now() ms) passes, unless cancelled. */
interface Deadline {
  at: number;
  fire: () => void;
}

const pending = new Set<Deadline>();
let timer: ReturnType<typeof setTimeout> | undefined;
let armedFor = Infinity;

function arm(at: number, now: number): void {
  if (timer !== undefined) clearTimeout(timer);
  armedFor = at;
  timer = setTimeout(expire, Math.max(0, Math.ceil(at - now)));
  (timer as { unref?: () => void }).unref?.();
}

function expire(): void {
  timer = undefined;
  armedFor = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const d of pending) {
    if (d.at <= now) {
      pending.delete(d);
      d.fire();
    } else if (d.at < next) next = d.at;
  }
  if (next !== Infinity && timer === undefined) arm(next, now);
}

/**
 * Runs `fire` once `ms` have passed, unless the returned function (which cancels it) is called
 * first. Deadlines are usually added in order (one timeout for every request), so the timer is
 * rarely re-armed.
 */
export function deadline(ms: number, fire: () => void): () => void {
  const now = performance.now();
  const d: Deadline = { at: now + ms, fire };
  pending.add(d);
  if (d.at < armedFor) arm(d.at, now);
  return () => {
    pending.delete(d);
  };
}

/** How many deadlines are pending (for tests). */
export function pendingDeadlines(): number {
  return pending.size;
}
