// The contract between the QuickBooks API helper and whatever holds Intuit's per-realm limits and
// the metered-call counts (this process's memory, Redis, PostgreSQL): one `acquire` before each
// attempt, whose release frees the slot after it. Also the limit settings and which limits a request
// counts against. It holds no state and sends nothing.
import { ConfigurationError } from "../common/errors.js";
import { isQuickBooksRealmId, realmIdProblem } from "../oauth/realm-id.js";
import { positiveInt } from "../common/options.js";
import type { QuickBooksApi } from "./url.js";

/** Which of Intuit's limits a request counts against (besides the realm's in-flight limit). */
export type ApiCallKind = "accounting" | "batch" | "report" | "other";

/** What the limits (and the meter's classifier) are told about one attempt. */
export interface ApiRequestInfo {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** The API it goes to; undefined for a URL outside every API (a `TempDownloadUri` with `auth: false`). */
  readonly api: QuickBooksApi | undefined;
}

/** Frees an admitted request's slot; `{ sent: false }` also gives back its metered count. */
export type ApiRelease = (outcome?: { sent: boolean }) => void;

/**
 * Intuit's per-realm limits for one app, and the metered-call counts, held in one place:
 * {@link MemoryApiLimits} (this process), `RedisApiLimits` (`intuit-oauth-client/redis`) or
 * `PostgresApiLimits` (`intuit-oauth-client/postgres`). Pass one as the `limits` option of
 * `quickbooks(tokens, realmId, options)`.
 */
export interface ApiLimits {
  /**
   * Waits until `realmId` may send `request` (a slot, the minute budgets, any pause after a 429),
   * counts it, and resolves with the function that frees the slot: call it exactly once, when the
   * answer's headers have arrived or the attempt failed. Pass `{ sent: false }` when the request
   * certainly never left (nothing reached Intuit): its metered count is given back. Rejects with
   * the signal's AbortError, ApiBudgetExceededError (hard cap reached), RealmBudgetExceededError
   * (the realm's share used up), ConfigurationError (not a realm id), or SharedStoreError.
   */
  acquire(realmId: string, request: ApiRequestInfo, signal?: AbortSignal): Promise<ApiRelease>;
  /** Holds every request of the realm for `ms` (after a 429). Never throws. */
  pause(realmId: string, ms: number): void;
}

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
  const segment = companySegment(request.url);
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
