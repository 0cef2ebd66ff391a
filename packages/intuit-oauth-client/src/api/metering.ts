// Metered calls under Intuit's App Partner Program: which class a request is (Core: data in;
// CorePlus: data out), the monthly usage shape, the budget marks, the hard-cap error and the
// Prometheus text of a usage snapshot. Pure functions and types: the counting itself lives with
// each ApiLimits implementation, so it costs no extra store round trip.
import { ConfigurationError, IntuitOAuthError } from "../common/errors.js";
import { positiveInt } from "../common/options.js";
import { companySegment, type ApiRequestInfo } from "./limits.js";

/** `core`: data in (creates, updates, deletes). `corePlus`: data out (reads, queries, reports, CDC). */
export type MeterClass = "core" | "corePlus";

/**
 * Decides a request's class; `standard` is what {@link classifyApiCall} says. Return undefined
 * for a call Intuit does not meter.
 *
 * @example
 * // Count batch requests as Core when your batches only write:
 * const classify: ApiCallClassifier = (req, standard) => (/\/batch(\?|$)/.test(req.url) ? "core" : standard);
 */
export type ApiCallClassifier = (
  request: ApiRequestInfo,
  standard: MeterClass | undefined,
) => MeterClass | undefined;

/** Metering options shared by every ApiLimits implementation. */
export interface MeteringOptions {
  /** The app the counts belong to (your client id, or any stable name). Default `default`. */
  app?: string;
  /** CorePlus calls allowed a month (Builder tier: 500000); enables `budgetApproaching` at 80% and 95%. */
  budget?: number;
  /** Refuse CorePlus calls once `budget` is used up this month (ApiBudgetExceededError). Default false. */
  hardCap?: boolean;
  /**
   * The most CorePlus calls one realm may make a month, so one company cannot spend the whole
   * budget: a fraction of `budget` below 1 (`0.05`: 5%), or a number of calls (a whole number, 1 or
   * more). A realm past its share gets RealmBudgetExceededError; the others go on. Default: none.
   */
  perRealmShare?: number;
  /** Overrides the standard classification, e.g. for batch. */
  classify?: ApiCallClassifier;
}

/** Calls of one month, by class. */
export interface MeterCounts {
  core: number;
  corePlus: number;
}

/** An app's metered calls in one calendar month (UTC). */
export interface ApiUsage extends MeterCounts {
  app: string;
  /** `YYYY-MM`, UTC. */
  month: string;
  /** The configured CorePlus budget, if any. */
  budget: number | undefined;
  /** Per realm, when asked for with `{ realms: true }`. */
  realms?: Record<string, MeterCounts>;
}

/** Options of `usage()`. */
export interface UsageOptions {
  /** `YYYY-MM`. Default: the current month (UTC). */
  month?: string;
  /** Include the per-realm counts. Default false. */
  realms?: boolean;
}

/** Emitted once per month and mark, by the one process whose call reached it. */
export interface BudgetApproachingEvent {
  app: string;
  month: string;
  /** 0.8 or 0.95. */
  threshold: number;
  /** CorePlus calls counted this month, the call that reached the mark included. */
  used: number;
  budget: number;
}

/** Intuit answered 429: every request of the realm waits `pauseMs` (in this process or, shared, the fleet). */
export interface RateLimitedEvent {
  realmId: string;
  /** How long the realm's requests wait, ms. */
  pauseMs: number;
  /** Epoch ms when they may go again. */
  until: number;
  /** False when Intuit sent no `Retry-After`: the wait is the default (60 s). */
  retryAfter: boolean;
}

/** Events of every ApiLimits implementation. */
export interface ApiLimitsEvents {
  budgetApproaching: [BudgetApproachingEvent];
  /**
   * A 429 paused a realm: once per pause, emitted by the API helper whose request got the 429 (its
   * process only). Frequent ones mean the company's 500 requests a minute are not shared
   * (docs/fleet.md, "API limits across processes").
   */
  rateLimited: [RateLimitedEvent];
}

/** The app's CorePlus budget for the month is used up and `hardCap` is on: the call was not sent. */
export class ApiBudgetExceededError extends IntuitOAuthError {
  static override readonly code = "ERR_API_BUDGET_EXCEEDED";
  declare readonly code: "ERR_API_BUDGET_EXCEEDED";
  readonly app: string;
  readonly month: string;
  readonly used: number;
  readonly budget: number;
  constructor(details: { app: string; month: string; used: number; budget: number }) {
    super(
      `The CorePlus budget of app ${details.app} for ${details.month} is used up ` +
        `(${details.used} of ${details.budget}); the call was not sent`,
    );
    this.app = details.app;
    this.month = details.month;
    this.used = details.used;
    this.budget = details.budget;
  }
}

/**
 * One realm has used its share of the CorePlus budget this month (`perRealmShare`): the call was not
 * sent. Other realms are not affected.
 */
export class RealmBudgetExceededError extends IntuitOAuthError {
  static override readonly code = "ERR_REALM_BUDGET_EXCEEDED";
  declare readonly code: "ERR_REALM_BUDGET_EXCEEDED";
  readonly app: string;
  readonly month: string;
  readonly realmId: string;
  /** The realm's CorePlus calls this month. */
  readonly used: number;
  /** The realm's share, in calls. */
  readonly share: number;
  constructor(details: { app: string; month: string; realmId: string; used: number; share: number }) {
    super(
      `Realm ${details.realmId} has used its share of app ${details.app}'s CorePlus budget for ` +
        `${details.month} (${details.used} of ${details.share}); the call was not sent`,
    );
    this.app = details.app;
    this.month = details.month;
    this.realmId = details.realmId;
    this.used = details.used;
    this.share = details.share;
  }
}

/** The budget marks, as fractions. */
export const BUDGET_THRESHOLDS = [0.8, 0.95] as const;

/** Checked metering settings. */
export interface MeteringSettings {
  app: string;
  budget: number | undefined;
  hardCap: boolean;
  /** The call counts at which each threshold is reached (same order as BUDGET_THRESHOLDS); 0 without a budget. */
  marks: [number, number];
  /** CorePlus calls one realm may make a month (from `perRealmShare`), or undefined. */
  realmShare: number | undefined;
  classify: (request: ApiRequestInfo) => MeterClass | undefined;
}

/** Checks metering options and fills in defaults; throws ConfigurationError for a bad one. */
export function meteringSettings(options: MeteringOptions = {}): MeteringSettings {
  const app = options.app ?? "default";
  if (typeof app !== "string" || !/^[\x21-\x7e]{1,128}$/.test(app))
    throw new ConfigurationError("app must be 1 to 128 printable ASCII characters without spaces");
  const budget = positiveInt("budget", options.budget, undefined);
  if (options.hardCap && budget === undefined) throw new ConfigurationError("hardCap needs a budget");
  const realmShare = shareOf(options.perRealmShare, budget);
  const custom = options.classify;
  if (custom !== undefined && typeof custom !== "function")
    throw new ConfigurationError("classify must be a function");
  return {
    app,
    budget,
    hardCap: options.hardCap === true,
    marks: budget === undefined ? [0, 0] : [Math.ceil(budget * 0.8), Math.ceil(budget * 0.95)],
    realmShare,
    classify: custom
      ? (request) => checkedClass(custom(request, classifyApiCall(request)))
      : (request) => classifyApiCall(request),
  };
}

function shareOf(share: number | undefined, budget: number | undefined): number | undefined {
  if (share === undefined) return undefined;
  if (
    typeof share !== "number" ||
    !Number.isFinite(share) ||
    share <= 0 ||
    (share >= 1 && !Number.isInteger(share))
  )
    throw new ConfigurationError("perRealmShare must be a fraction below 1 or a whole number of calls");
  if (share >= 1) return share;
  if (budget === undefined) throw new ConfigurationError("perRealmShare as a fraction needs a budget");
  return Math.max(1, Math.floor(budget * share));
}

function checkedClass(value: unknown): MeterClass | undefined {
  if (value === undefined || value === "core" || value === "corePlus") return value;
  throw new ConfigurationError('classify must return "core", "corePlus" or undefined');
}

// Paths that read whatever the method: a POSTed query, reports, change data capture.
const DATA_OUT = new Set(["query", "reports", "cdc"]);

/**
 * Intuit's published classes (App Partner Program, 2025): only Accounting API calls to production
 * are metered. Reads, queries, reports and CDC are CorePlus; creates, updates, deletes and other
 * writes are Core. Batch is not classed by Intuit: it counts as CorePlus here (the class that can
 * block an app), and `classify` can say otherwise. Sandbox hosts, Payments, GraphQL and anything
 * outside the Accounting API are not metered.
 *
 * @example
 * classifyApiCall({ method: "GET", url: "https://quickbooks.api.intuit.com/v3/company/1/customer/2", api: "accounting" }); // "corePlus"
 */
export function classifyApiCall(request: ApiRequestInfo): MeterClass | undefined {
  if (request.api !== "accounting") return undefined;
  let host = request.host;
  if (host === undefined)
    try {
      host = new URL(request.url).hostname.toLowerCase();
    } catch {
      return undefined;
    }
  if (/(^|[.-])sandbox([.-]|$)/.test(host)) return undefined;
  const segment = request.segment ?? companySegment(request.url);
  if (segment === "batch" || DATA_OUT.has(segment)) return "corePlus";
  return request.method.toUpperCase() === "GET" || request.method.toUpperCase() === "HEAD"
    ? "corePlus"
    : "core";
}

/** `YYYY-MM` of an epoch-ms instant, in UTC. */
export function utcMonth(ms: number): string {
  // Every metered call asks; the answer changes once a month, so the month's bounds are kept.
  if (ms >= monthCache.from && ms < monthCache.to) return monthCache.month;
  const d = new Date(ms);
  const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const to = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  monthCache = { from, to, month: d.toISOString().slice(0, 7) };
  return monthCache.month;
}
let monthCache = { from: 0, to: 0, month: "" };

/** Checks a `month` option. */
export function checkMonth(month: string): string {
  if (typeof month !== "string" || !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new ConfigurationError("month must be YYYY-MM");
  return month;
}

/** The marks a count reached on this very call (exactly one caller sees each value). */
export function crossedMarks(settings: MeteringSettings, used: number): number[] {
  if (settings.budget === undefined) return [];
  return BUDGET_THRESHOLDS.filter((_, i) => settings.marks[i] === used);
}

/** Options of `metrics()`. */
export interface MetricsOptions {
  /** Also one series per realm (cardinality grows with your realms). Default false. */
  realms?: boolean;
}

function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/**
 * A usage snapshot in the Prometheus text exposition format (version 0.0.4), for a `/metrics` route.
 *
 * @example
 * res.setHeader("content-type", "text/plain; version=0.0.4");
 * res.end(prometheusText(await limits.usage()));
 */
export function prometheusText(usage: ApiUsage): string {
  const app = label(usage.app);
  const month = label(usage.month);
  const lines = [
    "# HELP intuit_api_calls Metered QuickBooks API calls this calendar month (UTC), by App Partner Program class.",
    "# TYPE intuit_api_calls gauge",
    `intuit_api_calls{app="${app}",month="${month}",class="core"} ${usage.core}`,
    `intuit_api_calls{app="${app}",month="${month}",class="core_plus"} ${usage.corePlus}`,
  ];
  if (usage.budget !== undefined) {
    lines.push(
      "# HELP intuit_api_core_plus_budget CorePlus calls allowed a month.",
      "# TYPE intuit_api_core_plus_budget gauge",
      `intuit_api_core_plus_budget{app="${app}"} ${usage.budget}`,
      "# HELP intuit_api_core_plus_budget_used_ratio Share of the month's CorePlus budget used.",
      "# TYPE intuit_api_core_plus_budget_used_ratio gauge",
      `intuit_api_core_plus_budget_used_ratio{app="${app}",month="${month}"} ${round(usage.corePlus / usage.budget)}`,
    );
  }
  if (usage.realms) {
    lines.push(
      "# HELP intuit_api_realm_calls Metered QuickBooks API calls this month, by realm and class.",
      "# TYPE intuit_api_realm_calls gauge",
    );
    for (const realmId of Object.keys(usage.realms).sort()) {
      const counts = usage.realms[realmId] as MeterCounts;
      const realm = label(realmId);
      lines.push(
        `intuit_api_realm_calls{app="${app}",month="${month}",realm="${realm}",class="core"} ${counts.core}`,
        `intuit_api_realm_calls{app="${app}",month="${month}",realm="${realm}",class="core_plus"} ${counts.corePlus}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

function round(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}
