// A counting semaphore: at most `limit` holders at once, the rest wait in FIFO order; a waiter
// whose AbortSignal fires leaves the queue. Bounds concurrent refreshes and API calls.
import { positiveInt, REQUIRED } from "./options.js";

export class Semaphore {
  #active = 0;
  readonly #waiters: Array<() => void> = [];
  /** Highest number of simultaneous holders seen (for tests and benchmarks). */
  peak = 0;

  /** Owners check the option (`maxConcurrent`, …) by name first; this guards the invariant. */
  constructor(readonly limit: number) {
    positiveInt("limit", limit, REQUIRED);
  }

  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Waits for a slot. Call the returned function exactly once to free it. When `signal` fires
   * first, rejects with `abortError(signal)` (default: the signal's reason) and takes no slot.
   */
  async acquire(
    signal?: AbortSignal,
    abortError: (signal: AbortSignal) => unknown = (s) => s.reason,
  ): Promise<() => void> {
    if (signal?.aborted) throw abortError(signal);
    if (this.#active < this.limit) this.#active++;
    else await this.#wait(signal, abortError);
    return this.#taken();
  }

  /** A slot now, or undefined when none is free (never waits; never jumps the queue). */
  tryAcquire(): (() => void) | undefined {
    if (this.#active >= this.limit || this.#waiters.length > 0) return undefined;
    this.#active++;
    return this.#taken();
  }

  #taken(): () => void {
    if (this.#active > this.peak) this.peak = this.#active;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next)
        next(); // the slot passes straight to the next waiter
      else this.#active--;
    };
  }

  #wait(signal: AbortSignal | undefined, abortError: (signal: AbortSignal) => unknown): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const i = this.#waiters.indexOf(grant);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(abortError(signal as AbortSignal));
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.#waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Runs `fn` while holding a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
