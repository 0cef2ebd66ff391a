// After a 429 every request of a company waits (60 s when Intuit sends no Retry-After), which looks
// like a hang: say so once per pause, as a `rateLimited` event on the limits, and as a warning (the
// HTTP client's logger, else console.warn) at most once a minute per limits object.
import type { Logger } from "../common/logger.js";
import type { ApiLimits } from "../state/api-limits.js";
import type { ApiLimitsEvents, RateLimitedEvent } from "./metering.js";

const WARN_EVERY_MS = 60_000;
// Realms remembered per limits object before the pauses that are over are forgotten.
const PRUNE_AT = 1_000;

interface Notices {
  lastWarnAt: number;
  /** Per realm, the end of the pause last announced. */
  until: Map<string, number>;
}

const noticesOf = new WeakMap<ApiLimits, Notices>();

interface Emitter {
  emit?<K extends keyof ApiLimitsEvents>(event: K, ...args: ApiLimitsEvents[K]): boolean;
}

/**
 * Announces the pause `event` of `limits`, unless one announced for its realm is still in force (a
 * burst of 429s is one stall). `logger` undefined: none was given, so the warning goes to console.warn.
 */
export function announcePause(
  limits: ApiLimits,
  event: RateLimitedEvent,
  now: number,
  logger: Logger | undefined,
): void {
  let notices = noticesOf.get(limits);
  if (!notices) noticesOf.set(limits, (notices = { lastWarnAt: -Infinity, until: new Map() }));
  const announced = notices.until.get(event.realmId);
  if (announced !== undefined && announced > now) {
    notices.until.set(event.realmId, Math.max(announced, event.until));
    return;
  }
  if (notices.until.size >= PRUNE_AT)
    for (const [realmId, until] of notices.until) if (until <= now) notices.until.delete(realmId);
  notices.until.set(event.realmId, event.until);

  try {
    (limits as Emitter).emit?.("rateLimited", event);
  } catch {
    // A listener's failure must not fail the request that was refused; the warning still goes out.
  }
  if (now - notices.lastWarnAt < WARN_EVERY_MS) return;
  notices.lastWarnAt = now;
  const message =
    `intuit-oauth-client: Intuit answered 429 for realm ${event.realmId}: its requests wait ` +
    `${Math.ceil(event.pauseMs / 1000)} s${event.retryAfter ? "" : " (no Retry-After: Intuit's 60 s)"}. ` +
    "Several processes calling one company? Share their limits (docs/fleet.md, API limits across processes).";
  const fields = { realmId: event.realmId, pauseMs: event.pauseMs, retryAfter: event.retryAfter };
  if (logger) logger.warn(fields, message);
  else console.warn(message); // eslint-disable-line no-console -- no logger: a stall must not be silent
}
