// MemoryApiLimits: Intuit's per-realm limits and the metered-call counts held in this process (a
// RealmLimiter per realm, a counter per month), all in the instance: no module-level registry. A
// TokenManager owns one by default, and every API helper of it goes through it. It shares nothing
// with other processes: a fleet uses RedisApiLimits or PostgresApiLimits instead.
import { TypedEmitter } from "../../common/events.js";
import { isQuickBooksRealmId } from "../../oauth/realm-id.js";
import {
  callKind,
  checkedRealm,
  limitSettings,
  type ApiLimits,
  type ApiLimitSettings,
  type ApiRelease,
  type ApiRequestInfo,
} from "../../api/limits.js";
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
} from "../../api/metering.js";
import { RealmLimiter, realSleep, type LimiterTiming } from "./realm-limiter.js";

/** Options of {@link MemoryApiLimits}. */
export interface MemoryApiLimitsOptions extends Partial<ApiLimitSettings>, MeteringOptions {
  /** Epoch ms, for the minute budgets and the month. Default `Date.now`. */
  clock?: () => number;
  /** Waits; an injected sleep must move the injected clock. */
  sleep?: LimiterTiming["sleep"];
}

/** The counts of one month. */
class MonthCounts {
  readonly total: MeterCounts = { core: 0, corePlus: 0 };
  readonly realms = new Map<string, MeterCounts>();
  constructor(readonly month: string) {}
}

/** This process's counts: the current month and the one before. */
class MemoryMeter {
  #months: MonthCounts[] = [];

  counts(month: string, create: boolean): MonthCounts | undefined {
    let found = this.#months.find((m) => m.month === month);
    if (!found && create) {
      found = new MonthCounts(month);
      this.#months = [found, ...this.#months].sort((a, b) => (a.month < b.month ? 1 : -1)).slice(0, 2);
    }
    return found;
  }
}

// Idle realm limiters are dropped when the map reaches this size, then at twice what survived
// (amortised), so a process serving many companies keeps only the busy ones.
const SWEEP_AT = 1024;

/**
 * Intuit's limits and the metered-call counts, in this process only. A TokenManager owns one by
 * default (`tokens.apiLimits`); pass your own to set the limits or a budget, or to share one between
 * token managers. The limits are set here, once: an API helper configures nothing shared.
 *
 * @example
 * const apiLimits = new MemoryApiLimits({ app: clientId, budget: 500_000, perMinute: 400 });
 * apiLimits.on("budgetApproaching", (e) => log.warn(e, "CorePlus budget"));
 * const tokens = new TokenManager({ authClient, store, apiLimits });
 * const qb = quickbooks(tokens, realmId); // goes through apiLimits
 * console.log(await apiLimits.usage());
 */
export class MemoryApiLimits extends TypedEmitter<ApiLimitsEvents> implements ApiLimits {
  /** The limits in force. */
  readonly settings: Readonly<ApiLimitSettings>;
  readonly #metering: MeteringSettings;
  readonly #timing: LimiterTiming;
  readonly #meter = new MemoryMeter();
  readonly #limiters = new Map<string, RealmLimiter>();
  #sweepAt = SWEEP_AT;

  constructor(options: MemoryApiLimitsOptions = {}) {
    super();
    const { clock, sleep, app, budget, hardCap, perRealmShare, classify, ...limits } = options;
    this.settings = Object.freeze(limitSettings(limits));
    this.#metering = meteringSettings({ app, budget, hardCap, perRealmShare, classify });
    this.#timing = { clock: clock ?? Date.now, sleep: sleep ?? realSleep };
  }

  /** The app the counts belong to. */
  get app(): string {
    return this.#metering.app;
  }

  /**
   * The realm's in-process limiter, created on first use (its `peak`, `active` and `pausedUntil`
   * help monitoring). Idle ones are forgotten as realms accumulate.
   */
  limiter(realmId: string): RealmLimiter {
    // The last realm's limiter, kept at hand: a helper asks for the same realm on every call.
    const last = this.#last;
    if (last !== undefined && last.realmId === realmId) return last.limiter;
    let limiter = this.#limiters.get(checkedRealm(realmId));
    if (!limiter) {
      this.#sweepIdle();
      limiter = new RealmLimiter(this.settings, this.#timing);
      this.#limiters.set(realmId, limiter);
    }
    this.#last = { realmId, limiter };
    return limiter;
  }
  /** Always one of #limiters' entries: a sweep forgets it. */
  #last: { realmId: string; limiter: RealmLimiter } | undefined;

  /** How many realm limiters this instance keeps now (for monitoring and tests). */
  get limiterCount(): number {
    return this.#limiters.size;
  }

  #sweepIdle(): void {
    if (this.#limiters.size < this.#sweepAt) return;
    this.#last = undefined;
    for (const [realmId, limiter] of this.#limiters) if (limiter.isIdle()) this.#limiters.delete(realmId);
    this.#sweepAt = Math.max(SWEEP_AT, this.#limiters.size * 2);
  }

  async acquire(realmId: string, request: ApiRequestInfo, signal?: AbortSignal): Promise<ApiRelease> {
    checkedRealm(realmId);
    const meterClass = this.#metering.classify(request);
    this.#refuseOverBudget(realmId, meterClass);
    const limiter = this.limiter(realmId);
    const kind = callKind(request);
    // A free slot is taken synchronously; only a full realm waits.
    const free = (!signal?.aborted && limiter.tryAcquire(kind)) || (await limiter.acquire(signal, kind));
    return this.#admitted(realmId, meterClass, free);
  }

  /**
   * {@link acquire} without waiting: the release when a slot, the pause and the minute budgets admit
   * the request now (counted as `acquire` counts it), otherwise undefined and nothing taken. Throws
   * as `acquire` rejects. The API helper calls it first, so a free realm costs no promise.
   */
  tryAcquire(realmId: string, request: ApiRequestInfo): ApiRelease | undefined {
    checkedRealm(realmId);
    const meterClass = this.#metering.classify(request);
    this.#refuseOverBudget(realmId, meterClass);
    const free = this.limiter(realmId).tryAcquire(callKind(request));
    return free && this.#admitted(realmId, meterClass, free);
  }

  /** Counts an admitted request (checking the budget again after any wait) and makes its release. */
  #admitted(realmId: string, meterClass: MeterClass | undefined, free: () => void): ApiRelease {
    let month: string;
    try {
      // Checked again after the wait, and counted in the same turn: no other call can slip between.
      this.#refuseOverBudget(realmId, meterClass);
      month = this.#month();
      if (meterClass) this.#count(realmId, meterClass, month);
    } catch (err) {
      free();
      throw err;
    }
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      free();
      // A request that never left reached nothing Intuit meters: its count goes back.
      if (outcome?.sent === false && meterClass) this.#uncount(realmId, meterClass, month);
    };
  }

  pause(realmId: string, ms: number): void {
    if (isQuickBooksRealmId(realmId)) this.limiter(realmId).pause(ms);
  }

  /** The month's counts (default: this month, UTC). */
  async usage(options: UsageOptions = {}): Promise<ApiUsage> {
    const month = options.month === undefined ? this.#month() : checkMonth(options.month);
    const counts = this.#meter.counts(month, false);
    const usage: ApiUsage = {
      app: this.#metering.app,
      month,
      core: counts?.total.core ?? 0,
      corePlus: counts?.total.corePlus ?? 0,
      budget: this.#metering.budget,
    };
    if (options.realms) {
      // Keys are realm ids: without a prototype, no id (`__proto__`) can be anything but a key.
      usage.realms = Object.create(null) as Record<string, MeterCounts>;
      for (const [realmId, c] of counts?.realms ?? []) usage.realms[realmId] = { ...c };
    }
    return usage;
  }

  /** This month's usage in the Prometheus text format. */
  async metrics(options: MetricsOptions = {}): Promise<string> {
    return prometheusText(await this.usage({ realms: options.realms === true }));
  }

  #month(): string {
    return utcMonth(this.#timing.clock());
  }

  #refuseOverBudget(realmId: string, meterClass: MeterClass | undefined): void {
    const { hardCap, budget, app, realmShare } = this.#metering;
    if (meterClass !== "corePlus") return;
    const month = this.#month();
    const counts = this.#meter.counts(month, false);
    if (hardCap && budget !== undefined) {
      const used = counts?.total.corePlus ?? 0;
      if (used >= budget) throw new ApiBudgetExceededError({ app, month, used, budget });
    }
    if (realmShare !== undefined) {
      const used = counts?.realms.get(realmId)?.corePlus ?? 0;
      if (used >= realmShare)
        throw new RealmBudgetExceededError({ app, month, realmId, used, share: realmShare });
    }
  }

  #uncount(realmId: string, meterClass: MeterClass, month: string): void {
    const counts = this.#meter.counts(month, false);
    const realm = counts?.realms.get(realmId);
    if (!counts || !realm) return;
    counts.total[meterClass] = Math.max(0, counts.total[meterClass] - 1);
    realm[meterClass] = Math.max(0, realm[meterClass] - 1);
  }

  #count(realmId: string, meterClass: MeterClass, month: string): void {
    const counts = this.#meter.counts(month, true) as MonthCounts;
    counts.total[meterClass]++;
    let realm = counts.realms.get(realmId);
    if (!realm) counts.realms.set(realmId, (realm = { core: 0, corePlus: 0 }));
    realm[meterClass]++;
    if (meterClass !== "corePlus" || this.#metering.budget === undefined) return;
    const used = counts.total.corePlus;
    for (const threshold of crossedMarks(this.#metering, used))
      this.emit("budgetApproaching", {
        app: this.#metering.app,
        month,
        threshold,
        used,
        budget: this.#metering.budget,
      });
  }
}
