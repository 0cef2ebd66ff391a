// In-memory state (pending consents, codes, grants, tokens, each realm's QuickBooks data) and its optional JSON persistence.
import { existsSync, readFileSync } from "node:fs";
import type { SavedKeys } from "./keys.js";
import { replaceFilePrivately } from "./private-file.js";
import { loadRealms, saveRealms, type RealmStore, type SavedRealm } from "./qbo-realm.js";

/** An authorize request waiting for the user's decision on the consent page. */
export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  createdAt: number;
}

/** An issued authorization code. */
export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  realmId?: string;
  userSub: string;
  nonce?: string;
  codeChallenge?: string;
  createdAt: number;
  /** Set on first exchange; a second exchange poisons the grant. */
  grantId?: string;
}

/** One user's consent for one app: the refresh tokens and access tokens hang off it. */
export interface Grant {
  id: string;
  clientId: string;
  userSub: string;
  realmId?: string;
  scopes: string[];
  /** Emulator ms; the hard cap counts from here. */
  createdAt: number;
  /** Seconds, the `auth_time` claim. */
  authTime: number;
  revoked: boolean;
  /** Emulator ms; the rolling window ends here unless a refresh extends it. */
  rollingExpiresAt: number;
  currentRefreshToken: string;
  refreshTokenCount: number;
}

/** One refresh token value of a grant. */
export interface RefreshTokenRecord {
  grantId: string;
  issuedAt: number;
  /** When a newer value replaced it; grace counts from here. */
  supersededAt?: number;
}

/** One access token of a grant. */
export interface AccessTokenRecord {
  grantId: string;
  expiresAt: number;
}

interface SavedState {
  version: 1;
  clockOffsetMs: number;
  keys: SavedKeys;
  pending: Array<[string, PendingAuthorization]>;
  codes: Array<[string, AuthorizationCode]>;
  grants: Array<[string, Grant]>;
  refreshTokens: Array<[string, RefreshTokenRecord]>;
  accessTokens: Array<[string, AccessTokenRecord]>;
  /** Files written before the data plane: invoices and API-created customers only. */
  invoices?: Array<[string, Array<[string, Record<string, unknown>]>]>;
  customers?: Array<[string, Array<[string, Record<string, unknown>]>]>;
  qbo?: Array<[string, SavedRealm]>;
}

/** Everything that outlives a request. Maps, so that a token value like `__proto__` is just a miss. */
export class EmulatorState {
  pending = new Map<string, PendingAuthorization>();
  codes = new Map<string, AuthorizationCode>();
  grants = new Map<string, Grant>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  accessTokens = new Map<string, AccessTokenRecord>();
  /** realmId → that company's QuickBooks data (qbo-store.ts) */
  qbo = new Map<string, RealmStore>();
  /** Entities of a file saved before the data plane, taken into a realm's store when it is first used. */
  legacy = new Map<string, Array<[string, Record<string, unknown>]>>();
  private dirty = false;

  constructor(private readonly persistPath?: string) {}

  markChanged(): void {
    this.dirty = true;
  }

  /** Read a saved file, if persistence is on and the file exists. */
  load(): { clockOffsetMs: number; keys: SavedKeys } | undefined {
    if (!this.persistPath || !existsSync(this.persistPath)) return undefined;
    const saved = JSON.parse(readFileSync(this.persistPath, "utf8")) as SavedState;
    this.pending = new Map(saved.pending);
    this.codes = new Map(saved.codes);
    this.grants = new Map(saved.grants);
    this.refreshTokens = new Map(saved.refreshTokens);
    this.accessTokens = new Map(saved.accessTokens);
    this.qbo = loadRealms(saved.qbo ?? []);
    for (const [entity, list] of [
      ["Invoice", saved.invoices ?? []],
      ["Customer", saved.customers ?? []],
    ] as const) {
      for (const [realm, rows] of list) {
        const entries = this.legacy.get(realm) ?? [];
        for (const [, row] of rows) entries.push([entity, row]);
        this.legacy.set(realm, entries);
      }
    }
    return { clockOffsetMs: saved.clockOffsetMs, keys: saved.keys };
  }

  /** Write the state if it changed: a private temp file then rename, so a crash never leaves half a file. */
  flush(extra: () => { clockOffsetMs: number; keys: SavedKeys }, force = false): void {
    if (!this.persistPath || (!this.dirty && !force)) return;
    this.dirty = false;
    const saved: SavedState = {
      version: 1,
      ...extra(),
      pending: [...this.pending],
      codes: [...this.codes],
      grants: [...this.grants],
      refreshTokens: [...this.refreshTokens],
      accessTokens: [...this.accessTokens],
      qbo: saveRealms(this.qbo),
    };
    replaceFilePrivately(this.persistPath, JSON.stringify(saved));
  }

  /** Drop consents and codes older than `maxAgeMs`; they can no longer be used anyway. */
  prune(now: number, maxAgeMs: number): void {
    for (const [id, p] of this.pending) if (now - p.createdAt > maxAgeMs) this.pending.delete(id);
    for (const [code, c] of this.codes) if (now - c.createdAt > maxAgeMs) this.codes.delete(code);
  }
}
