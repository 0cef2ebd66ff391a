// The process side of limits held in a shared store (RedisApiLimits, PostgresApiLimits): one store
// round trip per admission attempt (a script or statement that also counts the metered call), local
// FIFO waiting so only one caller per realm polls, slot releases carried by the next attempt instead
// of a round trip of their own, and lease renewal for long requests. It knows no store: a backend does
// the atomic work. It must not import a driver or a Node built-in.
import { ConfigurationError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { TypedEmitter } from "../common/events.js";
import { randomToken } from "../crypto/random.js";
import { AbortError } from "../http/errors.js";
import { isQuickBooksRealmId } from "../oauth/realm-id.js";
import {
  callKind,
  checkedRealm,
  limitSettings,
  rateBuckets,
  type ApiLimits,
  type ApiLimitSettings,
  type ApiRelease,
  type ApiRequestInfo,
  type RateBucket,
} from "./limits.js";
import {
  ApiBudgetExceededError,
  RealmBudgetExceededError,
  checkMonth,
  crossedMarks,
  meteringSettings,
  prometheusText,
  utcMonth,
  type ApiLimitsEvents,
  type ApiUsage,
  type MeterClass,
  type MeterCounts,
  type MeteringOptions,
  type MeteringSettings,
  type MetricsOptions,
  type UsageOptions,
} from "./metering.js";

/** Options every shared-store ApiLimits takes. */
export interface SharedApiLimitsOptions extends Partial<ApiLimitSettings>, MeteringOptions {
  /**
   * How long a slot is held without renewal, ms: the time a crashed process's slots take to come
   * back. Slots of requests still running are renewed every third of it. Default 30000.
   */
  leaseMs?: number;
  /** Longest wait between two attempts of a waiting realm, ms (the first waits 2 ms, then doubles). Default 50. */
  pollMs?: number;
  /** Epoch ms, for the month of the counts. Default `Date.now`. Limits use the store's clock. */
  clock?: () => number;
}

/** What one admission attempt asks the store, atomically. */
export interface SharedAttempt {
  realmId: string;
  /** This process's id in the realm's queue of waiting processes. */
  lane: string;
  /** The slot's id, also the entry in each rolling-window budget. */
  token: string;
  buckets: readonly RateBucket[];
  meterClass: MeterClass | undefined;
  /** `YYYY-MM` of the counts. */
  month: string;
  /** Slots of this realm this process has freed since its last attempt. */
  releases: readonly string[];
}

/** The store's answer to one attempt. */
export type SharedAttemptResult =
  | { status: "granted"; /** CorePlus count after this call (0 when it is not CorePlus). */ used: number }
  | {
      status: "refused";
      /** Known wait (a full minute budget, a pause), or undefined: poll. */ waitMs: number | undefined;
    }
  | { status: "overBudget"; used: number }
  | { status: "overRealmShare"; /** The realm's CorePlus count this month. */ used: number };

/** The atomic operations a store provides; every method is one round trip. */
export interface LimitsBackend {
  attempt(attempt: SharedAttempt): Promise<SharedAttemptResult>;
  release(realmId: string, tokens: readonly string[]): Promise<void>;
  renew(realmId: string, tokens: readonly string[]): Promise<void>;
  pause(realmId: string, ms: number): Promise<void>;
  /**
   * Gives back the metered count of a granted request that was never sent (optional: a backend
   * without it keeps the count). Never below zero.
   */
  refund?(realmId: string, meterClass: MeterClass, month: string): Promise<void>;
  usage(
    month: string,
    realms: boolean,
  ): Promise<{ total: MeterCounts; realms?: Record<string, MeterCounts> }>;
  close(): Promise<void>;
}

/** The settings a backend needs, checked. */
export interface BackendSettings {
  limits: Readonly<ApiLimitSettings>;
  metering: Readonly<MeteringSettings>;
  leaseMs: number;
  /** How long a waiting process keeps its place in the realm's queue past its next expected attempt. */
  graceMs: number;
}

/** Round trips and outcomes since the limits were created (for monitoring and the benchmark). */
export interface SharedLimitsStats {
  /** Store round trips of every kind. */
  roundTrips: number;
  /** Attempts admitted. */
  granted: number;
  /** Attempts refused (each is followed by a wait). */
  refused: number;
  /** Slot releases that rode on an attempt instead of a round trip of their own. */
  carriedReleases: number;
  /** Round trips that only released slots. */
  releaseTrips: number;
  /** Round trips that renewed the leases of long requests. */
  renewTrips: number;
  /** Round trips that gave back the count of a request that was never sent. */
  refundTrips: number;
  /** Round trips that failed (a release or renewal that failed is left to the lease). */
  failures: number;
}

interface Waiter {
  wake: (() => void) | undefined;
}

/** This process's state for one realm, kept only while it has waiters or unsent releases. */
class Lane {
  readonly waiters: Waiter[] = [];
  pending: string[] = [];

  isHead(w: Waiter): boolean {
    return this.waiters[0] === w;
  }
  wakeHead(): void {
    this.waiters[0]?.wake?.();
  }
  leave(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i === -1) return;
    this.waiters.splice(i, 1);
    if (i === 0) this.wakeHead();
  }
}

function abortError(signal: AbortSignal | undefined): AbortError {
  return new AbortError("Request aborted by the caller", {
    requestMayHaveBeenSent: false,
    cause: signal?.reason,
  });
}

/** Sleeps `ms` (forever when undefined), or until `w.wake()` is called; rejects when `signal` aborts. */
function waitOrWake(w: Waiter, ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      w.wake = undefined;
    };
    const onAbort = () => {
      done();
      reject(abortError(signal));
    };
    w.wake = () => {
      done();
      resolve();
    };
    if (ms !== undefined) timer = setTimeout(w.wake, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Intuit's limits and the metered-call counts held in a shared store, so they hold across every
 * process of a fleet. Subclasses give the store (`RedisApiLimits`, `PostgresApiLimits`).
 */
export abstract class SharedApiLimits extends TypedEmitter<ApiLimitsEvents> implements ApiLimits {
  /** The limits in force. */
  readonly settings: Readonly<ApiLimitSettings>;
  /** Slot lease, ms. */
  readonly leaseMs: number;
  readonly #metering: MeteringSettings;
  readonly #pollMs: number;
  readonly #clock: () => number;
  readonly #backend: LimitsBackend;
  readonly #lane = randomToken(9);
  #nextToken = 0;
  readonly #lanes = new Map<string, Lane>();
  /** Slots held by this process: token → realm and when it was taken or last renewed. */
  readonly #held = new Map<string, { realmId: string; since: number }>();
  #renewTimer: ReturnType<typeof setInterval> | undefined;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  readonly #stats: SharedLimitsStats = {
    roundTrips: 0,
    granted: 0,
    refused: 0,
    carriedReleases: 0,
    releaseTrips: 0,
    renewTrips: 0,
    refundTrips: 0,
    failures: 0,
  };

  protected constructor(
    options: SharedApiLimitsOptions,
    backend: (settings: BackendSettings) => LimitsBackend,
  ) {
    super();
    const { leaseMs, pollMs, clock, app, budget, hardCap, perRealmShare, classify, ...limits } = options;
    this.settings = Object.freeze(limitSettings(limits));
    this.#metering = meteringSettings({ app, budget, hardCap, perRealmShare, classify });
    this.leaseMs = positiveInt("leaseMs", leaseMs, 30_000);
    this.#pollMs = positiveInt("pollMs", pollMs, 50);
    this.#clock = clock ?? Date.now;
    this.#backend = backend({
      limits: this.settings,
      metering: this.#metering,
      leaseMs: this.leaseMs,
      graceMs: Math.max(250, this.#pollMs * 4),
    });
  }

  /** The app the limits and counts belong to. */
  get app(): string {
    return this.#metering.app;
  }

  /** Round trips and outcomes so far. */
  stats(): SharedLimitsStats {
    return { ...this.#stats };
  }

  async acquire(realmId: string, request: ApiRequestInfo, signal?: AbortSignal): Promise<ApiRelease> {
    checkedRealm(realmId);
    if (this.#closed) throw new ConfigurationError(`${this.constructor.name} is closed`);
    if (signal?.aborted) throw abortError(signal);
    const buckets = rateBuckets(this.settings, callKind(request));
    const meterClass = this.#metering.classify(request);
    const lane = this.#laneOf(realmId);
    const me: Waiter = { wake: undefined };
    lane.waiters.push(me);
    try {
      let poll = 2;
      for (;;) {
        // Only the realm's first local waiter asks the store; the others wait their turn here.
        while (!lane.isHead(me)) await waitOrWake(me, undefined, signal);
        const releases = lane.pending;
        lane.pending = [];
        const token = `${this.#lane}.${(this.#nextToken++).toString(36)}`;
        let result: SharedAttemptResult;
        const month = utcMonth(this.#clock());
        try {
          result = await this.#trip(() =>
            this.#backend.attempt({
              realmId,
              lane: this.#lane,
              token,
              buckets,
              meterClass,
              month,
              releases,
            }),
          );
        } catch (err) {
          lane.pending.push(...releases); // not sent: the next attempt or the flush takes them
          throw err;
        }
        this.#stats.carriedReleases += releases.length;
        if (result.status === "granted") {
          this.#stats.granted++;
          this.#hold(token, realmId);
          const release = this.#releaser(realmId, token, meterClass, month);
          try {
            if (signal?.aborted) throw abortError(signal); // aborted while the attempt was under way
            if (meterClass === "corePlus") this.#announce(result.used);
          } catch (err) {
            release(); // the caller gets the error and the slot goes back
            throw err;
          }
          return release;
        }
        if (result.status === "overBudget") {
          const { app, budget } = this.#metering;
          throw new ApiBudgetExceededError({ app, month, used: result.used, budget: budget ?? 0 });
        }
        if (result.status === "overRealmShare") {
          const { app, realmShare } = this.#metering;
          throw new RealmBudgetExceededError({
            app,
            month,
            realmId,
            used: result.used,
            share: realmShare ?? 0,
          });
        }
        this.#stats.refused++;
        // A slot this process freed meanwhile is worth an attempt at once.
        if (lane.pending.length > 0) continue;
        let wait: number;
        if (result.waitMs === undefined) {
          wait = poll;
          poll = Math.min(poll * 2, this.#pollMs);
        } else wait = result.waitMs + 1;
        await waitOrWake(me, wait + Math.random() * 2, signal);
      }
    } finally {
      lane.leave(me);
      this.#settle(realmId, lane);
    }
  }

  pause(realmId: string, ms: number): void {
    if (!(ms > 0) || this.#closed || !isQuickBooksRealmId(realmId)) return;
    this.#trip(() => this.#backend.pause(realmId, Math.ceil(ms))).catch(() => {
      // A lost pause costs at most one more 429, which pauses again.
    });
  }

  /** The month's counts for the whole fleet (default: this month, UTC). */
  async usage(options: UsageOptions = {}): Promise<ApiUsage> {
    const month = options.month === undefined ? utcMonth(this.#clock()) : checkMonth(options.month);
    const read = await this.#trip(() => this.#backend.usage(month, options.realms === true));
    return {
      app: this.#metering.app,
      month,
      core: read.total.core,
      corePlus: read.total.corePlus,
      budget: this.#metering.budget,
      ...(read.realms ? { realms: read.realms } : {}),
    };
  }

  /** This month's fleet-wide usage in the Prometheus text format. */
  async metrics(options: MetricsOptions = {}): Promise<string> {
    return prometheusText(await this.usage({ realms: options.realms === true }));
  }

  /**
   * Sends the slots still to be released, stops renewing, and closes the connection the limits
   * opened (a client or pool you passed in stays open). Slots still held end with their lease.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#renewTimer !== undefined) clearInterval(this.#renewTimer);
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    await this.#flush();
    await this.#backend.close();
  }

  #laneOf(realmId: string): Lane {
    let lane = this.#lanes.get(realmId);
    if (!lane) this.#lanes.set(realmId, (lane = new Lane()));
    return lane;
  }

  /** Forgets an idle lane, or sends its releases when nobody will carry them. */
  #settle(realmId: string, lane: Lane): void {
    if (lane.waiters.length > 0) return;
    if (lane.pending.length > 0) this.#scheduleFlush();
    else if (this.#lanes.get(realmId) === lane) this.#lanes.delete(realmId);
  }

  #releaser(realmId: string, token: string, meterClass: MeterClass | undefined, month: string): ApiRelease {
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      // A request that never left reached nothing Intuit meters: its count goes back (rare: one trip).
      if (outcome?.sent === false && meterClass !== undefined) this.#refund(realmId, meterClass, month);
      this.#held.delete(token);
      if (this.#held.size === 0 && this.#renewTimer !== undefined) {
        clearInterval(this.#renewTimer);
        this.#renewTimer = undefined;
      }
      const lane = this.#laneOf(realmId);
      lane.pending.push(token);
      if (lane.waiters.length > 0) lane.wakeHead();
      else this.#scheduleFlush();
    };
  }

  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined || this.#closed) return;
    // One tick later: an attempt started in the meantime carries the releases instead.
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      void this.#flush();
    }, 0);
  }

  async #flush(): Promise<void> {
    const sends: Promise<void>[] = [];
    for (const [realmId, lane] of this.#lanes) {
      if (lane.waiters.length > 0 || lane.pending.length === 0) continue;
      const tokens = lane.pending;
      lane.pending = [];
      this.#lanes.delete(realmId);
      this.#stats.releaseTrips++;
      sends.push(this.#trip(() => this.#backend.release(realmId, tokens)).catch(() => {}));
    }
    await Promise.all(sends);
  }

  #hold(token: string, realmId: string): void {
    this.#held.set(token, { realmId, since: Date.now() });
    if (this.#renewTimer !== undefined) return;
    const every = Math.max(1, Math.floor(this.leaseMs / 3));
    this.#renewTimer = setInterval(() => void this.#renew(every), every);
    (this.#renewTimer as { unref?: () => void }).unref?.();
  }

  async #renew(age: number): Promise<void> {
    const now = Date.now();
    const byRealm = new Map<string, string[]>();
    for (const [token, h] of this.#held) {
      if (now - h.since < age) continue;
      h.since = now;
      const list = byRealm.get(h.realmId);
      if (list) list.push(token);
      else byRealm.set(h.realmId, [token]);
    }
    await Promise.all(
      [...byRealm].map(([realmId, tokens]) => {
        this.#stats.renewTrips++;
        return this.#trip(() => this.#backend.renew(realmId, tokens)).catch(() => {});
      }),
    );
  }

  #refund(realmId: string, meterClass: MeterClass, month: string): void {
    const refund = this.#backend.refund?.bind(this.#backend);
    if (!refund || this.#closed) return;
    this.#stats.refundTrips++;
    this.#trip(() => refund(realmId, meterClass, month)).catch(() => {
      // A lost refund leaves one call counted that Intuit did not see: the safe side of a budget.
    });
  }

  #announce(used: number): void {
    const { app, budget } = this.#metering;
    if (budget === undefined) return;
    const month = utcMonth(this.#clock());
    for (const threshold of crossedMarks(this.#metering, used))
      this.emit("budgetApproaching", { app, month, threshold, used, budget });
  }

  async #trip<T>(fn: () => Promise<T>): Promise<T> {
    this.#stats.roundTrips++;
    try {
      return await fn();
    } catch (err) {
      this.#stats.failures++;
      throw err;
    }
  }
}
