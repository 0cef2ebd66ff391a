// The vocabulary of the API limits, which every ApiLimits (memory, Redis, PostgreSQL) shares: the
// limit settings and their defaults, and which limits a request counts against. The contract itself
// (`acquire` before each attempt, whose release frees the slot) is in src/state/api-limits.ts, below
// the token manager that owns one. It holds no state and sends nothing.
import { ConfigurationError } from "../common/errors.js";
import { isQuickBooksRealmId, realmIdProblem } from "../oauth/realm-id.js";
import { positiveInt } from "../common/options.js";
import type { ApiRequestInfo } from "../state/api-limits.js";

export type { ApiLimits, ApiRelease, ApiRequestInfo } from "../state/api-limits.js";

/** Which of Intuit's limits a request counts against (besides the realm's in-flight limit). */
export type ApiCallKind = "accounting" | "batch" | "report" | "other";

/** Intuit's limits, per realm and app unless stated. Every value is configurable. */
export interface ApiLimitSettings {
  /** Requests in flight at once (every kind). Intuit: 10. */
  maxConcurrent: number;
  /** Accounting requests (batch and reports included) started per window. Intuit: 500 a minute. */
  perMinute: number;
  /** Batch requests per window. Intuit: 40 a minute. */
  batchPerMinute: number;
  /**
   * Batch requests per window for the realm across every app sharing the store. Intuit: 120 a
   * minute. Only shared stores enforce it, and only for apps that share one.
   */
  batchPerMinuteAllApps: number;
  /** Report requests per window; Intuit publishes no separate limit, so none by default. */
  reportsPerMinute: number | undefined;
  /** Requests to the other APIs (Payments, GraphQL) per window. Intuit: 800 a minute. */
  otherPerMinute: number;
  /** The window of every per-minute budget, ms. Default 60000; shorter only in tests. */
  windowMs: number;
}

/** Intuit's published limits (docs/fleet.md, "Limits"). */
export const DEFAULT_API_LIMITS: Readonly<ApiLimitSettings> = Object.freeze({
  maxConcurrent: 10,
  perMinute: 500,
  batchPerMinute: 40,
  batchPerMinuteAllApps: 120,
  reportsPerMinute: undefined,
  otherPerMinute: 800,
  windowMs: 60_000,
});

/** One rolling-window budget a request counts against. */
export interface RateBucket {
  /** Stable name, part of store keys. */
  name: "all" | "batch" | "batch-apps" | "reports" | "other";
  limit: number;
  /** `app`: per realm and app; `realm`: per realm across apps. */
  scope: "app" | "realm";
}

/** `realmId` when it is a QuickBooks realm id (digits); otherwise a ConfigurationError. */
export function checkedRealm(realmId: unknown): string {
  if (!isQuickBooksRealmId(realmId)) throw new ConfigurationError(`realmId: ${realmIdProblem(realmId)}`);
  return realmId;
}

/** Fills in defaults and checks every value; throws ConfigurationError for a bad one. */
export function limitSettings(requested: Partial<ApiLimitSettings> = {}): ApiLimitSettings {
  const settings: Record<keyof ApiLimitSettings, number | undefined> = { ...DEFAULT_API_LIMITS };
  for (const key of Object.keys(DEFAULT_API_LIMITS) as Array<keyof ApiLimitSettings>)
    settings[key] = positiveInt(key, requested[key], settings[key]);
  // Only reportsPerMinute defaults to undefined; every other key has a number default.
  return settings as ApiLimitSettings;
}

/** The kind of a request, from its API and the first path segment after `/v3/company/{realmId}/`. */
export function callKind(request: ApiRequestInfo): ApiCallKind {
  if (request.api !== "accounting") return "other";
  const segment = request.segment ?? companySegment(request.url);
  if (segment === "batch") return "batch";
  if (segment === "reports") return "report";
  return "accounting";
}

/** The rolling-window budgets a request of `kind` counts against. */
export function rateBuckets(settings: ApiLimitSettings, kind: ApiCallKind): RateBucket[] {
  if (kind === "other") return [{ name: "other", limit: settings.otherPerMinute, scope: "app" }];
  const buckets: RateBucket[] = [{ name: "all", limit: settings.perMinute, scope: "app" }];
  if (kind === "batch")
    buckets.push(
      { name: "batch", limit: settings.batchPerMinute, scope: "app" },
      { name: "batch-apps", limit: settings.batchPerMinuteAllApps, scope: "realm" },
    );
  if (kind === "report" && settings.reportsPerMinute !== undefined)
    buckets.push({ name: "reports", limit: settings.reportsPerMinute, scope: "app" });
  return buckets;
}

/** The lower-case path segment after `/v3/company/{realmId}/`, or "" when there is none. */
export function companySegment(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return "";
  }
  const match = /\/v3\/company\/[^/]+\/([^/?#]*)/i.exec(path);
  return (match?.[1] ?? "").toLowerCase();
}
