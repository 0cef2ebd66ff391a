// Waiting: a timer that an AbortSignal can cut short, and the jittered exponential backoff of the
// retry policy. Shared by the request path, the API helper and the token manager's lock wait.
import type { RetryPolicy } from "./request.js";

/** Resolves after `ms`; rejects with `abortError(signal)` (default: its reason) if `signal` fires first. */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  abortError: (signal: AbortSignal) => unknown = (s) => s.reason,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The delay before retry number `attempt` (1-based): doubling from minDelayMs, capped, half jitter. */
export function backoff(policy: RetryPolicy, attempt: number): number {
  const base = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (attempt - 1));
  return base / 2 + (Math.random() * base) / 2;
}
