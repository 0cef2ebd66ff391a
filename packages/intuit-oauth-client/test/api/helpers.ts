// Shared setup for the API helper tests: an emulator, an AuthClient discovered from it, and a
// TokenManager holding a fresh grant for the first company.
import { AuthClient } from "../../src/client/auth-client.js";
import { Scopes } from "../../src/oauth/scopes.js";
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
} from "../../../intuit-oauth-client-emulator/src/index.js";
import { MemoryTokenStore } from "../../src/stores/memory/token-store.js";
import { TokenManager } from "../../src/tokens/token-manager.js";
import { MemoryApiLimits, type MemoryApiLimitsOptions } from "../../src/stores/memory/api-limits.js";

export interface Connected {
  emu: Emulator;
  authClient: AuthClient;
  tokens: TokenManager;
  realmId: string;
}

/** Starts an emulator and connects its first company through the real authorization flow. */
export async function connected(options: EmulatorOptions = {}): Promise<Connected> {
  const emu = await startEmulator({ port: 0, autoApprove: true, ...options });
  const authClient = await AuthClient.create({
    clientId: emu.defaultClient.clientId,
    clientSecret: emu.defaultClient.clientSecret,
    redirectUri: emu.defaultClient.redirectUri,
    environment: emu.discoveryUrl,
  });
  const tokens = new TokenManager({ authClient, store: new MemoryTokenStore() });
  const realmId = await connect(emu, authClient, tokens);
  return { emu, authClient, tokens, realmId };
}

/** Runs the authorization flow once more and stores the new grant; returns its realm. */
export async function connect(emu: Emulator, authClient: AuthClient, tokens: TokenManager): Promise<string> {
  const url = authClient.getAuthorizationUrl([
    Scopes.Accounting,
    Scopes.OpenId,
    Scopes.Email,
    Scopes.Profile,
  ]);
  const res = await fetch(url, { redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status}`);
  const token = await authClient.handleCallback(location);
  if (!token.realmId) throw new Error("no realmId in the callback");
  await tokens.save(token.realmId, token);
  return token.realmId;
}

/**
 * A fake clock and a sleep that records each wait and moves the clock by it. `options` gives a helper
 * both, and limits (a MemoryApiLimits) on the same clock, so a realm's pause after a 429 and its
 * minute budgets are waited on it too.
 */
export function fakeTime(start = Date.parse("2025-01-01T00:00:00Z")) {
  let now = start;
  const waits: number[] = [];
  const clock = () => now;
  const sleep = async (ms: number) => {
    waits.push(ms);
    now += ms;
  };
  return {
    waits,
    clock,
    sleep,
    advance: (ms: number) => {
      now += ms;
    },
    options: { clock, sleep, limits: new MemoryApiLimits({ clock, sleep }) },
    /** Limits on this clock with other settings (e.g. a small perMinute). */
    limits: (settings: MemoryApiLimitsOptions) => new MemoryApiLimits({ ...settings, clock, sleep }),
  };
}
