// A counting semaphore: at most `limit` holders at once, the rest wait in FIFO order.
// Used to bound concurrent refreshes and API calls.

export class Semaphore {
  #active = 0;
  readonly #waiters: Array<() => void> = [];
  /** Highest number of simultaneous holders seen (for tests and benchmarks). */
  peak = 0;

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError("Semaphore limit must be at least 1");
  }

  get active(): number {
    return this.#active;
  }

  /** Waits for a slot. Call the returned function exactly once to free it. */
  async acquire(): Promise<() => void> {
    if (this.#active >= this.limit) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    else this.#active++;
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
