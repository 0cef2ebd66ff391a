// The test controls of a running emulator (clock, expiry, keys, faults, counters, grants, webhooks).
import type { EmulatorContext } from "./context.js";
import { realmStore, snapshot } from "./qbo-store.js";
import { expireAccessTokens, grantForAccessToken } from "./tokens.js";
import { ENDPOINT_NAMES, type Emulator, type EndpointName } from "./types.js";
import { sendWebhook } from "./webhooks.js";

/** The part of {@link Emulator} that is not about the server itself. */
export type TestControls = Omit<
  Emulator,
  "url" | "port" | "discoveryUrl" | "issuer" | "defaultClient" | "companies" | "clock" | "close"
>;

/** Build the controls over the shared context; `persist(force)` saves state after a change. */
export function testControls(
  ctx: EmulatorContext,
  counters: Record<EndpointName, number>,
  persist: (force?: boolean) => void,
): TestControls {
  return {
    advanceClock(ms) {
      ctx.clock.advance(ms);
      persist(true);
    },
    expireAccessTokens(realmId) {
      expireAccessTokens(ctx, realmId);
      persist();
    },
    rotateSigningKeys() {
      ctx.keys.rotate();
      persist(true);
    },
    injectFault: (endpoint, fault, count = 1) => {
      if (!ENDPOINT_NAMES.includes(endpoint)) throw new TypeError(`unknown endpoint ${String(endpoint)}`);
      ctx.faults.add(endpoint, fault, count);
    },
    clearFaults: () => ctx.faults.clear(),
    counters: () => ({ ...counters }),
    resetCounters() {
      for (const name of ENDPOINT_NAMES) counters[name] = 0;
      for (const t of ctx.traffic.values()) t.maxInFlight = t.inFlight;
      ctx.total.maxInFlight = ctx.total.inFlight;
    },
    apiStats(realmId) {
      const t = realmId === undefined ? ctx.total : ctx.traffic.get(realmId);
      return { inFlight: t?.inFlight ?? 0, maxInFlight: t?.maxInFlight ?? 0 };
    },
    isAccessTokenValid: (value) => grantForAccessToken(ctx, value) !== undefined,
    grants: () =>
      [...ctx.state.grants.values()].map((g) => ({
        grantId: g.id,
        clientId: g.clientId,
        ...(g.realmId !== undefined ? { realmId: g.realmId } : {}),
        scopes: [...g.scopes],
        revoked: g.revoked,
        refreshTokenCount: g.refreshTokenCount,
        createdAt: g.createdAt,
      })),
    sendWebhook: (opts) => sendWebhook(opts, ctx.clock.now()),
    entities: (realmId) => snapshot(ctx, realmId),
    sentEmails: (realmId) => (realmStore(ctx, realmId).sent ?? []).map((e) => ({ ...e })),
  };
}
