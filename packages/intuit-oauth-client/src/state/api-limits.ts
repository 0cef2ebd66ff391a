// The ApiLimits contract: what holds Intuit's per-realm limits and the metered-call counts for one
// app (this process's memory, Redis, PostgreSQL). It sits below the token manager, which owns one
// (a MemoryApiLimits by default, or the one its user passes), and below the API helper, which goes
// through it before every attempt. Types only.

/** The QuickBooks APIs a helper calls, each with its own host. */
export type QuickBooksApi = "accounting" | "payments" | "graphql";

/** What the limits (and the meter's classifier) are told about one attempt. */
export interface ApiRequestInfo {
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The full URL, query included. */
  readonly url: string;
  /** The API it goes to; undefined for a URL outside every API (a `TempDownloadUri` with `auth: false`). */
  readonly api: QuickBooksApi | undefined;
  /** The URL's lower-case hostname, when the caller already knows it (then nobody parses the URL). */
  readonly host?: string | undefined;
  /**
   * The lower-case path segment after `/v3/company/{realmId}/` (`customer`, `batch`, `reports`), when
   * the caller already knows it: what `companySegment(url)` would say.
   */
  readonly segment?: string | undefined;
}

/** Frees an admitted request's slot; `{ sent: false }` also gives back its metered count. */
export type ApiRelease = (outcome?: { sent: boolean }) => void;

/**
 * Intuit's per-realm limits for one app, and the metered-call counts, held in one place:
 * `MemoryApiLimits` (this process), `RedisApiLimits` (`intuit-oauth-client/redis`) or
 * `PostgresApiLimits` (`intuit-oauth-client/postgres`). A `TokenManager` owns one (option
 * `apiLimits`), and every `quickbooks(tokens, realmId)` helper of it goes through it.
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
  /**
   * Optional: `acquire` when it need not wait, synchronously. Returns the release when the request
   * is admitted now (and counts it), undefined when it would have to wait (nothing is taken), and
   * throws what `acquire` would reject with. In-process limits have it; shared stores need a round trip.
   */
  tryAcquire?(realmId: string, request: ApiRequestInfo): ApiRelease | undefined;
  /** Holds every request of the realm for `ms` (after a 429). Never throws. */
  pause(realmId: string, ms: number): void;
}
