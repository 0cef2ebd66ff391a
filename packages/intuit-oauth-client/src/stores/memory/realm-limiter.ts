// Client-side limits of one realm for the QuickBooks API, so an app stays under Intuit's throttles
// instead of provoking them: requests in flight, rolling one-minute budgets (all requests, batch,
// reports, other APIs), and a pause that every request of the realm honours after a 429. A
// MemoryApiLimits keeps one per realm; all helpers of a TokenManager share its MemoryApiLimits. It
// knows nothing of HTTP or tokens, and holds only this process's share: shared stores implement
// ApiLimits themselves.
import { AbortError } from "../../http/errors.js";
import { Semaphore } from "../../common/semaphore.js";
import { sleep } from "../../common/sleep.js";
import { limitSettings, rateBuckets, type ApiCallKind, type ApiLimitSettings } from "../../api/limits.js";

/** The limits of one realm; the optional ones default to Intuit's (see ApiLimitSettings). */
export interface RealmLimits {
  /** Most requests in flight at once. Intuit: 10 per realm and app. */
  maxConcurrent: number;
  /** Most requests started in any 60-second window. Intuit: 500 per realm. */
  perMinute: number;
  /** Most batch requests per window. Intuit: 40. */
  batchPerMinute?: number;
  /** Most report requests per window. Default: no separate limit. */
  reportsPerMinute?: number;
  /** Most requests to the other APIs (Payments, GraphQL) per window. Intuit: 800. */
  otherPerMinute?: number;
  /** The window, ms. Default 60000. */
  windowMs?: number;
}

/** Waits `ms`, rejecting early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Time sources of a limiter; tests inject both (an injected sleep must move the injected clock). */
export interface LimiterTiming {
  clock: () => number;
  sleep: Sleep;
}

const LIMIT_KEYS = [
  "maxConcurrent",
  "perMinute",
  "batchPerMinute",
  "reportsPerMinute",
  "otherPerMinute",
  "windowMs",
] as const;

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
  /** Every limit in force, defaults filled in. */
  readonly settings: Readonly<ApiLimitSettings>;
  readonly #slots: Semaphore;
  readonly #timing: LimiterTiming;
  /** Start times per rolling-window budget, oldest first. */
  readonly #starts = new Map<string, number[]>();
  #pausedUntil = 0;

  constructor(limits: RealmLimits, timing: LimiterTiming = { clock: Date.now, sleep: realSleep }) {
    this.settings = Object.freeze(limitSettings(definedOnly(limits)));
    this.maxConcurrent = this.settings.maxConcurrent;
    this.perMinute = this.settings.perMinute;
    this.#slots = new Semaphore(this.settings.maxConcurrent);
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
    const windowStart = now - this.settings.windowMs;
    for (const starts of this.#starts.values()) {
      const last = starts[starts.length - 1];
      if (last !== undefined && last > windowStart) return false;
    }
    return this.#slots.active === 0 && this.#slots.waiting === 0 && this.#pausedUntil <= now;
  }

  /** Makes every request of the realm that starts in the next `ms` wait until it has passed. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#timing.clock() + ms);
  }

  /**
   * Waits for a slot, any pause and the minute budgets of `kind` (default `accounting`). Call the
   * returned function exactly once.
   */
  async acquire(signal?: AbortSignal, kind: ApiCallKind = "accounting"): Promise<() => void> {
    if (signal?.aborted) throw abortError(signal);
    const now = this.tryAcquire(kind);
    if (now) return now;
    const release = await this.#slots.acquire(signal, abortError);
    try {
      await this.#budget(signal, kind);
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }

  /**
   * A slot at once when one is free, no pause holds and the budgets of `kind` allow it; otherwise
   * undefined (it never waits, and never goes ahead of a waiting caller). The common, fast path.
   */
  tryAcquire(kind: ApiCallKind = "accounting"): (() => void) | undefined {
    const now = this.#timing.clock();
    if (this.#pausedUntil > now) return undefined;
    const lists = this.#listsFor(kind);
    if (this.#budgetWait(lists, now) > 0) return undefined;
    const release = this.#slots.tryAcquire();
    if (release) for (const { list } of lists) list.push(now);
    return release;
  }

  // The start-time lists a call of `kind` counts against, made once per kind.
  readonly #kindLists = new Map<ApiCallKind, Array<{ list: number[]; limit: number }>>();
  #listsFor(kind: ApiCallKind): Array<{ list: number[]; limit: number }> {
    let lists = this.#kindLists.get(kind);
    if (!lists) {
      // In-process, every app of the store is this one, so the all-apps batch budget never binds.
      lists = rateBuckets(this.settings, kind)
        .filter((b) => b.scope === "app")
        .map((b) => {
          let list = this.#starts.get(b.name);
          if (!list) this.#starts.set(b.name, (list = []));
          return { list, limit: b.limit };
        });
      this.#kindLists.set(kind, lists);
    }
    return lists;
  }

  /** How long until every budget in `lists` has room (0: now), dropping starts out of the window. */
  #budgetWait(lists: Array<{ list: number[]; limit: number }>, now: number): number {
    const windowMs = this.settings.windowMs;
    let wait = 0;
    for (const { list, limit } of lists) {
      while (list.length > 0 && (list[0] ?? 0) <= now - windowMs) list.shift();
      if (list.length >= limit) wait = Math.max(wait, (list[0] ?? now) + windowMs - now);
    }
    return wait;
  }

  async #budget(signal: AbortSignal | undefined, kind: ApiCallKind): Promise<void> {
    const { clock, sleep } = this.#timing;
    const lists = this.#listsFor(kind);
    let pauseWaited = 0;
    for (;;) {
      const now = clock();
      let wait = this.#budgetWait(lists, now);
      // A pause is waited once per value, so a clock that does not move cannot spin this loop.
      if (this.#pausedUntil > now && this.#pausedUntil !== pauseWaited) {
        pauseWaited = this.#pausedUntil;
        wait = Math.max(wait, this.#pausedUntil - now);
      }
      if (wait <= 0) break;
      await sleep(wait, signal);
    }
    const started = clock();
    for (const { list } of lists) list.push(started);
  }
}

function definedOnly(limits: Partial<RealmLimits>): Partial<RealmLimits> {
  const out: Partial<RealmLimits> = {};
  for (const key of LIMIT_KEYS) if (limits[key] !== undefined) out[key] = limits[key];
  return out;
}
