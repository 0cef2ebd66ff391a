// Waiting: a timer that an AbortSignal can cut short. Shared by the request path, the API helper's
// limiter and the token manager's lock wait.

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

/** Waits `ms`, rejecting early when `signal` aborts. Injectable where tests move a fake clock. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
