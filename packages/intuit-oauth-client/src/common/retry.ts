// The one retry decision of the library: given what an attempt came to, the policy, whether the
// request is safe to repeat and how many attempts were made, retry after N ms or stop. Every loop
// uses it: the request path (token endpoint, userinfo, JWKS, discovery, the QuickBooks API) and the
// token manager's lock wait. Pure apart from the jitter, which the caller may fix.
import { ConfigurationError } from "./errors.js";
import { nonNegativeInt, nonNegativeMs } from "./options.js";

/** How failed requests are retried. Only requests that are safe to repeat are retried once sent. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  retries: number;
  /** First backoff delay in ms, doubled each time. Default 200. */
  minDelayMs: number;
  /** Largest backoff delay in ms. Default 5000. */
  maxDelayMs: number;
  /** Largest `Retry-After` honoured, in ms; a longer one is not waited for. Default 60000. */
  maxRetryAfterMs: number;
  /**
   * Wait after a 429 that carries no `Retry-After`, in ms; undefined uses the backoff. Intuit asks
   * API clients to wait 60 s, so the QuickBooks helper sets 60000.
   */
  defaultRetryAfterMs?: number | undefined;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  minDelayMs: 200,
  maxDelayMs: 5000,
  maxRetryAfterMs: 60_000,
};

/**
 * `base` with the caller's overrides, each checked (a ConfigurationError names `retry.<field>`);
 * `false` keeps the waits and allows no retry.
 */
export function retryPolicy(
  overrides: Partial<RetryPolicy> | false | undefined,
  base: RetryPolicy = DEFAULT_RETRY,
): RetryPolicy {
  if (overrides === undefined) return base;
  if (overrides === false) return { ...base, retries: 0 };
  if (typeof overrides !== "object" || overrides === null)
    throw new ConfigurationError("retry must be an object of retry policy fields, or false");
  return {
    retries: nonNegativeInt("retry.retries", overrides.retries, base.retries),
    minDelayMs: nonNegativeMs("retry.minDelayMs", overrides.minDelayMs, base.minDelayMs),
    maxDelayMs: nonNegativeMs("retry.maxDelayMs", overrides.maxDelayMs, base.maxDelayMs),
    maxRetryAfterMs: nonNegativeMs("retry.maxRetryAfterMs", overrides.maxRetryAfterMs, base.maxRetryAfterMs),
    defaultRetryAfterMs: nonNegativeMs(
      "retry.defaultRetryAfterMs",
      overrides.defaultRetryAfterMs,
      base.defaultRetryAfterMs,
    ),
  };
}

/** Statuses that say "try again later": timeouts, throttling and the server's own failures. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** What one attempt came to. */
export type RetryOutcome =
  /** An HTTP answer; `retryAfterMs` is its parsed `Retry-After`. */
  | { status: number; retryAfterMs?: number | undefined }
  /** A failure before any answer; `retryable` (a network error, not an abort) and whether it was sent. */
  | { failure: { retryable: boolean; requestMayHaveBeenSent: boolean } }
  /** A lock held by someone else (the token manager's refresh lock). */
  | { busy: true };

/** Retry after `afterMs`, or stop (with why, for a status the caller may report). */
export type RetryDecision = { retry: true; afterMs: number } | { retry: false; retryAfterMs?: number };

/** The delay before retry number `attempt` (1-based): doubling from minDelayMs, capped, half jitter. */
export function backoff(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return base / 2 + (random() * base) / 2;
}

/**
 * Decides whether attempt number `attempt` (1-based) is followed by another.
 *
 * @example
 * decideRetry({ status: 503 }, DEFAULT_RETRY, true, 1); // → { retry: true, afterMs: 100…200 }
 * decideRetry({ status: 503 }, DEFAULT_RETRY, false, 1); // → { retry: false }: a write is never repeated
 */
export function decideRetry(
  outcome: RetryOutcome,
  policy: RetryPolicy,
  idempotent: boolean,
  attempt: number,
  random: () => number = Math.random,
): RetryDecision {
  if ("busy" in outcome) return { retry: true, afterMs: backoff(policy, attempt, random) };
  const canRetry = attempt <= policy.retries;
  if ("failure" in outcome) {
    const { retryable, requestMayHaveBeenSent } = outcome.failure;
    const safe = idempotent || !requestMayHaveBeenSent;
    return canRetry && retryable && safe
      ? { retry: true, afterMs: backoff(policy, attempt, random) }
      : { retry: false };
  }
  if (!RETRY_STATUSES.has(outcome.status)) return { retry: false };
  const asked = outcome.retryAfterMs ?? (outcome.status === 429 ? policy.defaultRetryAfterMs : undefined);
  if (asked !== undefined && asked > policy.maxRetryAfterMs) return { retry: false, retryAfterMs: asked };
  if (!(canRetry && idempotent))
    return asked === undefined ? { retry: false } : { retry: false, retryAfterMs: asked };
  return { retry: true, afterMs: asked ?? backoff(policy, attempt, random) };
}

/** Parses a Retry-After header (seconds or HTTP date) into ms, or undefined. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
