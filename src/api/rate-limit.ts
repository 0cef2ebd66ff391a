// Client-side limits per realm for the QuickBooks API, so an app stays under Intuit's throttles
// instead of provoking them: requests in flight, a sliding one-minute budget, and a pause that every
// request of the realm honours after a 429. One limiter per (TokenManager, realm): all helpers of a
// manager share it. It knows nothing of HTTP or tokens.
import { ConfigurationError } from "../common/errors.js";
import { AbortError } from "../http/errors.js";
import { Semaphore } from "../common/semaphore.js";
import { sleep } from "../common/sleep.js";

/** The limits of one realm. */
export interface RealmLimits {
  /** Most requests in flight at once. Intuit: 10 per realm and app. */
  maxConcurrent: number;
  /** Most requests started in any 60-second window. Intuit: 500 per realm. */
  perMinute: number;
}

/** Waits `ms`, rejecting early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Time sources of a limiter; tests inject both (an injected sleep must move the injected clock). */
export interface LimiterTiming {
  clock: () => number;
  sleep: Sleep;
}

export const DEFAULT_LIMITS: RealmLimits = { maxConcurrent: 10, perMinute: 500 };
const WINDOW_MS = 60_000;

/** The default {@link Sleep}: a timer, rejecting with a typed AbortError when the signal fires. */
export const realSleep: Sleep = (ms, signal) => sleep(ms, signal, abortError);

function abortError(signal: AbortSignal | undefined): AbortError {
  return new AbortError("Request aborted by the caller", {
    requestMayHaveBeenSent: false,
    cause: signal?.reason,
  });
}

/**
 * The limits of one realm. Waiters get slots in FIFO order; an aborted waiter leaves the queue.
 *
 * @example
 * const limiter = new RealmLimiter({ maxConcurrent: 10, perMinute: 500 });
 * const release = await limiter.acquire(signal);
 * try { await send(); } finally { release(); }
 */
export class RealmLimiter {
  readonly maxConcurrent: number;
  readonly perMinute: number;
  readonly #slots: Semaphore;
  readonly #timing: LimiterTiming;
  readonly #starts: number[] = [];
  #pausedUntil = 0;

  constructor(limits: RealmLimits, timing: LimiterTiming = { clock: Date.now, sleep: realSleep }) {
    for (const key of ["maxConcurrent", "perMinute"] as const) {
      if (!Number.isInteger(limits[key]) || limits[key] < 1)
        throw new ConfigurationError(`${key} must be a positive integer`);
    }
    this.maxConcurrent = limits.maxConcurrent;
    this.perMinute = limits.perMinute;
    this.#slots = new Semaphore(limits.maxConcurrent);
    this.#timing = timing;
  }

  /** Highest number of requests seen in flight at once. */
  get peak(): number {
    return this.#slots.peak;
  }

  /** Requests holding a slot now. */
  get active(): number {
    return this.#slots.active;
  }

  /** Epoch ms until which new requests wait after a 429 (0 when never paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /** True when forgetting this limiter loses nothing: no holder, no waiter, no start or pause in force. */
  isIdle(): boolean {
    const now = this.#timing.clock();
    const lastStart = this.#starts[this.#starts.length - 1];
    return (
      this.#slots.active === 0 &&
      this.#slots.waiting === 0 &&
      this.#pausedUntil <= now &&
      (lastStart === undefined || lastStart <= now - WINDOW_MS)
    );
  }

  /** Makes every request of the realm that starts in the next `ms` wait until it has passed. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#timing.clock() + ms);
  }

  /** Waits for a slot, any pause and the minute budget. Call the returned function exactly once. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    const release = await this.#slots.acquire(signal, abortError);
    try {
      await this.#budget(signal);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  async #budget(signal: AbortSignal | undefined): Promise<void> {
    const { clock, sleep } = this.#timing;
    let pauseWaited = 0;
    for (;;) {
      const now = clock();
      while (this.#starts.length > 0 && (this.#starts[0] ?? 0) <= now - WINDOW_MS) this.#starts.shift();
      let wait = 0;
      // A pause is waited once per value, so a clock that does not move cannot spin this loop.
      if (this.#pausedUntil > now && this.#pausedUntil !== pauseWaited) {
        pauseWaited = this.#pausedUntil;
        wait = this.#pausedUntil - now;
      } else if (this.#starts.length >= this.perMinute) {
        wait = (this.#starts[0] ?? now) + WINDOW_MS - now;
      }
      if (wait <= 0) break;
      await sleep(wait, signal);
    }
    this.#starts.push(clock());
  }
}

const limiters = new WeakMap<object, Map<string, RealmLimiter>>();
// Idle limiters are dropped when a map reaches this size, then at twice what survived (amortised).
const SWEEP_AT = 1024;
const nextSweep = new WeakMap<object, number>();

function sweepIdle(owner: object, byRealm: Map<string, RealmLimiter>): void {
  if (byRealm.size < (nextSweep.get(owner) ?? SWEEP_AT)) return;
  for (const [realmId, limiter] of byRealm) if (limiter.isIdle()) byRealm.delete(realmId);
  nextSweep.set(owner, Math.max(SWEEP_AT, byRealm.size * 2));
}

/** How many realm limiters `owner` keeps now (for tests and monitoring). */
export function realmLimiterCount(owner: object): number {
  return limiters.get(owner)?.size ?? 0;
}

/**
 * The limiter shared by every helper of `owner` (a TokenManager) for `realmId`, created on first use.
 * Asking for limits other than those of the existing limiter is a configuration conflict.
 */
export function realmLimiter(
  owner: object,
  realmId: string,
  requested: Partial<RealmLimits>,
  timing: LimiterTiming,
): RealmLimiter {
  let byRealm = limiters.get(owner);
  if (!byRealm) limiters.set(owner, (byRealm = new Map()));
  const existing = byRealm.get(realmId);
  if (!existing) {
    sweepIdle(owner, byRealm);
    const created = new RealmLimiter({ ...DEFAULT_LIMITS, ...definedOnly(requested) }, timing);
    byRealm.set(realmId, created);
    return created;
  }
  for (const key of ["maxConcurrent", "perMinute"] as const) {
    const want = requested[key];
    if (want !== undefined && want !== existing[key])
      throw new ConfigurationError(
        `realm ${realmId} already has ${key} ${existing[key]} on this TokenManager; all its API helpers share one limit`,
      );
  }
  return existing;
}

function definedOnly(limits: Partial<RealmLimits>): Partial<RealmLimits> {
  const out: Partial<RealmLimits> = {};
  if (limits.maxConcurrent !== undefined) out.maxConcurrent = limits.maxConcurrent;
  if (limits.perMinute !== undefined) out.perMinute = limits.perMinute;
  return out;
}
