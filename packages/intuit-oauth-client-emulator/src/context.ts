// The resolved settings and shared parts every handler receives.
import type { Clock } from "./clock.js";
import type { FaultQueue } from "./faults.js";
import type { RequestReplay } from "./qbo-replay.js";
import type { SigningKeys } from "./keys.js";
import type { EmulatorState } from "./state.js";
import type { ApiFormat } from "./qbo-xml.js";
import type { Company, EmulatorClient, EmulatorLogger, EmulatorUser, OAuth1Credentials } from "./types.js";

/** Options with every default applied; lifetimes in the units the brief names (ms for rotation, s for lifetimes). */
export interface Settings {
  clients: EmulatorClient[];
  companies: Company[];
  users: EmulatorUser[];
  oauth1: Array<Required<OAuth1Credentials>>;
  autoApprove: false | { realmId?: string };
  rotateAfterMs: number;
  graceAfterRotationMs: number;
  refreshTokenLifetimeS: number;
  hardLifetimeS: number;
  accessTokenLifetimeS: number;
  maxConcurrent: number;
  perMinute: number;
  batchPerMinute: number;
  batchPerMinutePerRealm: number;
  batchMaxItems: number;
  apiDelayMs: number;
  admin: boolean;
  issuer: string;
  echoNonce: boolean;
  apiDefaultFormat: ApiFormat;
  throttleFormat: ApiFormat;
  maxResultsOverLimit: "error" | "cap";
  cdcMaxObjects: number;
  cdcLookbackOverLimit: "error" | "clamp";
  tempDownloadLifetimeS: number;
  latestMinorVersion: number;
  unknownMinorVersion: "error" | "ignore";
  revokeUnknownToken: "400" | "200";
  logger?: EmulatorLogger;
}

/** Per-realm QuickBooks API bookkeeping. */
export interface RealmTraffic {
  inFlight: number;
  maxInFlight: number;
  minute: number;
  countThisMinute: number;
}

/** Shared parts every handler receives. */
export interface EmulatorContext {
  settings: Settings;
  state: EmulatorState;
  clock: Clock;
  keys: SigningKeys;
  faults: FaultQueue;
  /** Answers of requests that carried a `requestid`, replayed for a repeat. */
  replay: RequestReplay;
  /** Set once listening. */
  url: string;
  issuer: string;
  /** Emulator-clock ms when the emulator started (the seeded entities' CreateTime). */
  startedAt: number;
  traffic: Map<string, RealmTraffic>;
  total: { inFlight: number; maxInFlight: number };
  /** Aborted on close, so pending delays stop at once. */
  closing: AbortSignal;
}

/** The registered client with this id, if any. */
export function findClient(ctx: EmulatorContext, clientId: string | undefined): EmulatorClient | undefined {
  return clientId === undefined ? undefined : ctx.settings.clients.find((c) => c.clientId === clientId);
}
