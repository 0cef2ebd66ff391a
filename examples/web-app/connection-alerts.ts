// What the TokenManager's events say about each connected company: it must be reconnected, or its
// refresh token nears Intuit's five-year limit. Each event is logged (a real app would email the
// customer there); the dashboard shows the hard-expiry warning. Keeps realm ids and day counts only.
import type { TokenManager } from "../../packages/intuit-oauth-client/src/index.js";

/** The hard-expiry warnings per realm, fed by one TokenManager's events. */
export interface ConnectionAlerts {
  /** Days left to the five-year limit, when `hardExpiryApproaching` fired for it. */
  hardExpiryDaysLeft(realmId: string): number | undefined;
  /** Forgets the realm's alerts: call it before saving a new grant. */
  clear(realmId: string): void;
}

/** Listens to `tokens` and remembers its alerts; `log` gets one line per event. */
export function watchConnections(tokens: TokenManager, log: (line: string) => void): ConnectionAlerts {
  const hardExpiry = new Map<string, number>();
  // The store records it before the event fires, so the dashboard reads it from tokens.get().
  tokens.on("reauthorizationRequired", (realmId, error) => {
    log(`Company ${realmId} must reconnect (${error.reason}); its Reconnect page is /reconnect.`);
  });
  tokens.on("hardExpiryApproaching", (realmId, daysLeft) => {
    hardExpiry.set(realmId, daysLeft);
    log(`Company ${realmId} reaches Intuit's five-year limit in ${daysLeft} days: ask it to reconnect.`);
  });
  return {
    hardExpiryDaysLeft: (realmId) => hardExpiry.get(realmId),
    clear: (realmId) => void hardExpiry.delete(realmId),
  };
}
