// Server-side sessions for the example web app. The browser's cookie holds only a random session id;
// which company it connected, and with which grant, stays here. Connecting a company again or
// disconnecting it moves the company to a new grant (or none), which ends every older session for it:
// an old cookie then shows nothing, refreshes nothing and disconnects nothing.
// In memory, so a restart signs everyone out; a real app keeps sessions in its database or Redis,
// shared by its instances, and ties them to its own user accounts.
import { randomBytes } from "node:crypto";

/** What a browser's session id stands for. */
export interface Session {
  id: string;
  realmId: string;
  /** The grant this session connected; it is valid only while that is still the company's grant. */
  grant: number;
  expiresAt: number;
}

/** The sessions of one app. */
export class Sessions {
  readonly #sessions = new Map<string, Session>();
  /** Each connected company's current grant. A number is never reused, even after a disconnect. */
  readonly #grants = new Map<string, number>();
  #lastGrant = 0;
  readonly #lifetimeMs: number;
  readonly #clock: () => number;

  constructor(options: { lifetimeMs: number; clock?: () => number }) {
    this.#lifetimeMs = options.lifetimeMs;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * Starts a session for a company that was just connected (its new grant is saved): every older
   * session for the company ends here.
   */
  startForNewGrant(realmId: string): Session {
    this.#forgetExpired();
    const grant = ++this.#lastGrant;
    this.#grants.set(realmId, grant);
    // 256 random bits: the id is the only thing that stands for the session, so it must not be guessed.
    const id = randomBytes(32).toString("base64url");
    const session = { id, realmId, grant, expiresAt: this.#clock() + this.#lifetimeMs };
    this.#sessions.set(id, session);
    return session;
  }

  /** The live session with this id: unknown, expired, or of an older grant is undefined. */
  get(id: string): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt > this.#clock() && this.#grants.get(session.realmId) === session.grant)
      return session;
    this.#sessions.delete(id);
    return undefined;
  }

  /** Ends one session (this browser's). */
  end(id: string): void {
    this.#sessions.delete(id);
  }

  /** Ends every session for the company: it was disconnected. */
  endCompany(realmId: string): void {
    this.#grants.delete(realmId);
  }

  // Sessions are kept in creation order and all live as long, so the expired ones come first.
  #forgetExpired(): void {
    const now = this.#clock();
    for (const [id, session] of this.#sessions) {
      if (session.expiresAt > now) break;
      this.#sessions.delete(id);
    }
  }
}
