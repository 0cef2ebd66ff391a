// TokenManager: hands out valid access tokens per realm and refreshes them safely.
// Guarantees: one refresh per realm at a time in this process (shared promise) and across
// processes (the store's leased lock); the new refresh token is stored before anyone gets the new
// access token; invalid_grant is recorded once and never retried until a new grant is saved.
import { TypedEmitter } from "../common/events.js";
import { decideRetry, type RetryPolicy } from "../common/retry.js";
import { HttpClient } from "../http/request.js";
import type { IntuitEndpoints } from "../oauth/environments.js";
import { copyTokenSet, type TokenSet } from "../oauth/token-set.js";
import { ConfigurationError } from "../common/errors.js";
import { describeValue, MAX_TIMER_MS, nonNegativeMs, positiveInt, positiveMs } from "../common/options.js";
import { AuthClientError } from "../oauth/errors.js";
import type { Logger } from "../common/logger.js";
import { Semaphore } from "../common/semaphore.js";
import { sleep } from "../common/sleep.js";
import type { TokenClient } from "./token-client.js";
import {
  LockTimeoutError,
  RealmMismatchError,
  ReauthorizationRequiredError,
  TokenNotFoundError,
  UnverifiedRealmError,
} from "./errors.js";
import type { ApiLimits } from "../state/api-limits.js";
import { MemoryApiLimits } from "../stores/memory/api-limits.js";
import { MemoryTokenStore } from "../stores/memory/token-store.js";
import { checkRealmId } from "./realm-id.js";
import type { UnreadableRecordError } from "./store-errors.js";
import type { ListOptions, ReauthorizationReason, TokenPage, TokenRecord, TokenStore } from "./store.js";
import { deadReason, tokenInfo, type TokenInfo } from "./token-status.js";

/** Options of {@link TokenManager}. */
export interface TokenManagerOptions {
  /** The OAuth client that refreshes and revokes (an AuthClient, or anything with `refresh` and `revoke`). */
  authClient: TokenClient;
  /** Where tokens live. Default: a MemoryTokenStore (lost on exit). */
  store?: TokenStore;
  /**
   * Intuit's per-realm limits and the metered-call counts that every API helper of this manager
   * (`quickbooks(tokens, realmId)`) goes through. Default: a MemoryApiLimits with Intuit's limits,
   * this manager's own. Pass one to set the limits or a budget (`new MemoryApiLimits({ perMinute })`),
   * to share it between managers, or to hold it for a fleet (`RedisApiLimits`, `PostgresApiLimits`).
   */
  apiLimits?: ApiLimits;
  /** Refresh when the access token expires within this many ms. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Lease of the refresh lock. A refresh is abandoned before its lease ends. Default 60 s. */
  lockLeaseMs?: number;
  /** How long to wait for another holder's lock. Default lease + 10 s. */
  lockWaitMs?: number;
  /** Most refresh requests in flight at once in this process (all realms). Default 16. */
  maxConcurrentRefreshes?: number;
  /** Days before the five-year cap at which `hardExpiryApproaching` fires once each. Default [30, 7]. */
  hardExpiryWarningDays?: number[];
  /** The clock, in epoch ms. Default: the AuthClient's clock. */
  clock?: () => number;
}

/** Events of {@link TokenManager}, with their listener arguments. */
export interface TokenManagerEvents {
  /** A refresh succeeded and its result is stored. */
  refreshed: [realmId: string, token: TokenSet];
  /** The realm must be reconnected (invalid_grant, expired or hard-expired refresh token). */
  reauthorizationRequired: [realmId: string, error: ReauthorizationRequiredError];
  /** The refresh token reaches its five-year cap in `daysLeft` days. */
  hardExpiryApproaching: [realmId: string, daysLeft: number];
}

/** Summary of {@link TokenManager.refreshDue}. */
export interface RefreshDueResult {
  refreshed: string[];
  reauthorizationRequired: string[];
  failed: Array<{ realmId: string; error: unknown }>;
}

const DAY_MS = 86_400_000;
// Waiting for another holder's lock: short, doubling waits (5–10 ms up to 100–200 ms), bounded by lockWaitMs.
const LOCK_WAIT: RetryPolicy = { retries: Infinity, minDelayMs: 10, maxDelayMs: 200, maxRetryAfterMs: 0 };
// Records per listDue page in refreshDue: bounds memory by the page, not by the store.
const DUE_PAGE = 500;
const SAFE_CODE = /^[a-z_]{1,64}$/;
const SAFE_TID = /^[A-Za-z0-9-]{1,80}$/;

/**
 * Keeps every connected company's tokens valid, for one script or a fleet of servers.
 *
 * @example
 * const tokens = new TokenManager({ authClient, store: new FileTokenStore() });
 * await tokens.save(realmId, await authClient.handleCallback(url, { expectedState }));
 * const accessToken = await tokens.getAccessToken(realmId); // always valid
 */
export class TokenManager extends TypedEmitter<TokenManagerEvents> {
  readonly authClient: TokenClient;
  /** The HTTP client API helpers share (the OAuth client's, when it has one). */
  readonly http: HttpClient;
  /** The endpoints API helpers take their base URLs from, when the OAuth client has them. */
  readonly endpoints: Readonly<IntuitEndpoints> | undefined;
  readonly store: TokenStore;
  /** The limits and metered-call counts the API helpers of this manager go through (see the option). */
  readonly apiLimits: ApiLimits;
  readonly refreshMarginMs: number;
  readonly lockLeaseMs: number;
  readonly lockWaitMs: number;
  readonly #warningDays: number[];
  readonly #clock: () => number;
  readonly #inflight = new Map<string, Promise<TokenSet>>();
  readonly #refreshSlots: Semaphore;
  readonly #log: Logger;
  // What this manager created itself, for close(): a store or limits passed in are the caller's.
  readonly #owned: Array<{ close?(): Promise<void> }> = [];
  #closing: Promise<void> | undefined;

  constructor(options: TokenManagerOptions) {
    super();
    if (!options?.authClient) throw new ConfigurationError("TokenManager needs an authClient");
    this.authClient = options.authClient;
    this.store = options.store ?? new MemoryTokenStore();
    this.apiLimits = options.apiLimits ?? new MemoryApiLimits();
    this.refreshMarginMs = nonNegativeMs("refreshMarginMs", options.refreshMarginMs, 5 * 60_000);
    this.lockLeaseMs = positiveMs("lockLeaseMs", options.lockLeaseMs, 60_000);
    this.lockWaitMs = nonNegativeMs(
      "lockWaitMs",
      options.lockWaitMs,
      Math.min(this.lockLeaseMs + 10_000, MAX_TIMER_MS),
    );
    this.#warningDays = warningDays(options.hardExpiryWarningDays);
    this.#clock = options.clock ?? this.authClient.clock ?? Date.now;
    this.#refreshSlots = new Semaphore(
      positiveInt("maxConcurrentRefreshes", options.maxConcurrentRefreshes, 16),
    );
    this.http = this.authClient.http ?? new HttpClient();
    this.endpoints = this.authClient.endpoints;
    this.#log = this.http.logger;
    if (!options.store) this.#owned.push(this.store);
    if (!options.apiLimits) this.#owned.push(this.apiLimits as { close?(): Promise<void> });
  }

  /**
   * Shuts the manager down: waits for the refreshes in flight (so their new tokens are stored), then
   * closes the store and limits it created itself. A `store` or `apiLimits` you passed in stays open,
   * since other managers may share it: close it yourself after this (`await store.close()`). Calling
   * it again returns the same promise. Use the manager no more after it. A script need not call it
   * to exit: idle Redis and PostgreSQL connections the library opened do not keep a process alive.
   *
   * @example
   * await using tokens = new TokenManager({ authClient }); // closed when the block ends
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#inflight.values()]);
      for (const owned of this.#owned) await owned.close?.();
    })();
    return this.#closing;
  }

  /** {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Most refresh requests seen in flight at once (for monitoring and benchmarks). */
  get peakConcurrentRefreshes(): number {
    return this.#refreshSlots.peak;
  }

  /**
   * Stores a new grant (after handleCallback), clearing any reconnect flag. The token set must be
   * for this realm: one for another realm is a {@link RealmMismatchError}, and one whose realm is
   * not proven (`realmIdVerified` is not `true`: the realm came only from the callback URL, from
   * the caller, or is unknown) is an {@link UnverifiedRealmError} unless `allowUnverifiedRealm` is
   * set. Nothing is stored when either is thrown.
   */
  async save(
    realmId: string,
    token: TokenSet,
    options: { allowUnverifiedRealm?: boolean } = {},
  ): Promise<void> {
    checkRealmId(realmId);
    if (token.realmId !== undefined && token.realmId !== realmId)
      throw new RealmMismatchError(realmId, token.realmId);
    // Only a proven realm: a set that says nothing about its realm could be any company's grant.
    if (token.realmIdVerified !== true && options.allowUnverifiedRealm !== true)
      throw new UnverifiedRealmError(realmId, token.realmId === undefined ? "unknown" : "unproven");
    const record: TokenRecord = { realmId, token: { ...token, realmId }, updatedAt: this.#clock() };
    // Under the lock, so a refresh in flight for the old grant cannot overwrite the new one.
    await this.#withLock(realmId, async () => {
      await this.store.set(record);
      await this.#checkHardExpiry(record);
    });
  }

  /** The stored grant and its status, or undefined. */
  async get(realmId: string): Promise<TokenInfo | undefined> {
    const record = await this.store.get(realmId);
    return record && tokenInfo(record, this.#clock(), this.refreshMarginMs);
  }

  /** Every readable stored grant with its status. Unreadable records are skipped, and passed to `onUnreadable`. */
  async list(options?: ListOptions): Promise<TokenInfo[]> {
    const now = this.#clock();
    return (await this.store.list(options)).map((r) => tokenInfo(r, now, this.refreshMarginMs));
  }

  /** Deletes the realm's tokens locally (without revoking them at Intuit). */
  async delete(realmId: string): Promise<void> {
    await this.store.delete(realmId);
  }

  /** Revokes the grant at Intuit, then deletes it. A grant Intuit no longer knows is deleted too. */
  async revoke(realmId: string): Promise<void> {
    const record = await this.store.get(realmId);
    if (!record) throw new TokenNotFoundError(realmId);
    try {
      await this.authClient.revoke(record.token.refreshToken, { updateClient: false });
    } catch (err) {
      // 400: the token is already invalid at Intuit; nothing left to revoke.
      if (!(err instanceof AuthClientError && err.statusCode === 400)) throw err;
    }
    await this.store.delete(realmId);
  }

  /**
   * A valid access token for the realm, refreshing first when it expires within the margin.
   * Concurrent callers share one refresh; other processes sharing the store wait for it.
   */
  async getAccessToken(realmId: string): Promise<string> {
    return (await this.#validToken(realmId)).accessToken;
  }

  /** Like {@link getAccessToken} but returns the whole token set (printed with its tokens redacted). */
  async getToken(realmId: string): Promise<TokenSet> {
    // A copy: the store's record is frozen, and the caller gets a token set of its own.
    return copyTokenSet(await this.#validToken(realmId));
  }

  // The hot path of every API call: no copy and no redaction beyond what the store does.
  async #validToken(realmId: string): Promise<TokenSet> {
    const pending = this.#inflight.get(realmId);
    if (pending) return pending;
    const record = await this.store.get(realmId);
    // A store of your own may not check realm ids: an odd one is refused here, not "not found".
    if (!record) {
      checkRealmId(realmId);
      throw new TokenNotFoundError(realmId);
    }
    const now = this.#clock();
    const dead = deadReason(record, now);
    // Already marked: fail fast. Newly expired: the locked path marks it and raises the event once.
    if (dead && record.reauthorization) throw this.#reauthError(record, dead.reason, dead.since);
    if (!dead && record.token.accessTokenExpiresAt - this.refreshMarginMs > now) return record.token;
    return this.#refreshOnce(realmId, undefined);
  }

  /**
   * Refreshes now, unless another caller already replaced `rejectedAccessToken` (pass the token
   * an API answered 401 to, so a burst of 401s causes one refresh).
   */
  async refresh(realmId: string, options: { rejectedAccessToken?: string } = {}): Promise<TokenSet> {
    return copyTokenSet(await this.#refreshOnce(realmId, options.rejectedAccessToken ?? null));
  }

  /**
   * Refreshes every stored realm whose access token expires within `withinMs` (default: the margin),
   * at most `maxConcurrentRefreshes` at a time. Run it on a schedule to keep idle grants alive.
   * A grant whose refresh token expired unnoticed is marked (`reauthorizationRequired`) on the way.
   * With a store that has `listDue` (memory, file, Redis, PostgreSQL), it reads only the due records,
   * page by page; with one that has not, it filters `list()`.
   * A record the store cannot read is in `failed`, with its UnreadableRecordError.
   */
  async refreshDue(withinMs?: number): Promise<RefreshDueResult> {
    withinMs = nonNegativeMs("withinMs", withinMs, this.refreshMarginMs);
    const now = this.#clock();
    const before = now + withinMs;
    const result: RefreshDueResult = { refreshed: [], reauthorizationRequired: [], failed: [] };
    const onUnreadable = (error: UnreadableRecordError) =>
      result.failed.push({ realmId: error.realmId, error });
    const seen = new Set<string>();
    // Re-checked on the record itself: an index may lag behind a write. A newly dead grant goes
    // through the locked path, which marks it, so it leaves the index and its event fires once.
    const due = (records: TokenRecord[]) =>
      records.filter((r) => {
        if (r.reauthorization || seen.has(r.realmId)) return false;
        seen.add(r.realmId);
        return r.token.accessTokenExpiresAt <= before || deadReason(r, now) !== undefined;
      });
    const store = this.store;
    if (!store.listDue) {
      await this.#refreshEach(due(await store.list({ onUnreadable })), result);
      return result;
    }
    const fetch = (cursor: string | undefined) => {
      const page = store.listDue!(before, DUE_PAGE, { cursor, onUnreadable });
      page.catch(() => {}); // awaited below; this only keeps a prefetch failure from going unhandled
      return page;
    };
    // One page ahead: the next page is read while this one refreshes.
    for (let next: Promise<TokenPage> | undefined = fetch(undefined); next;) {
      const page: TokenPage = await next;
      next = page.cursor === undefined ? undefined : fetch(page.cursor);
      await this.#refreshEach(due(page.records), result);
    }
    return result;
  }

  async #refreshEach(records: TokenRecord[], result: RefreshDueResult): Promise<void> {
    await Promise.all(
      records.map(async (r) => {
        try {
          await this.#refreshOnce(r.realmId, r.token.accessToken);
          result.refreshed.push(r.realmId);
        } catch (error) {
          if (error instanceof ReauthorizationRequiredError) result.reauthorizationRequired.push(r.realmId);
          else result.failed.push({ realmId: r.realmId, error });
        }
      }),
    );
  }

  /**
   * One refresh per realm in this process. `staleAccessToken`: undefined = refresh if expiring,
   * null = refresh unconditionally, a string = refresh only if that token is still the stored one.
   */
  #refreshOnce(realmId: string, staleAccessToken: string | null | undefined): Promise<TokenSet> {
    const pending = this.#inflight.get(realmId);
    if (pending) return pending;
    const promise = this.#withLock(realmId, () => this.#refreshLocked(realmId, staleAccessToken)).finally(
      () => {
        this.#inflight.delete(realmId);
      },
    );
    this.#inflight.set(realmId, promise);
    return promise;
  }

  async #refreshLocked(realmId: string, staleAccessToken: string | null | undefined): Promise<TokenSet> {
    // Re-read under the lock: another process may have refreshed while we waited.
    const record = await this.store.get(realmId);
    if (!record) throw new TokenNotFoundError(realmId);
    const now = this.#clock();
    const dead = deadReason(record, now);
    if (dead) {
      if (!record.reauthorization) await this.#markDead(record, dead.reason, undefined);
      throw this.#reauthError(record, dead.reason, dead.since);
    }
    const fresh = record.token.accessTokenExpiresAt - this.refreshMarginMs > now;
    if (staleAccessToken === undefined && fresh) return record.token;
    if (typeof staleAccessToken === "string" && record.token.accessToken !== staleAccessToken)
      return record.token;

    let token: TokenSet;
    try {
      token = await this.#refreshSlots.run(() =>
        this.authClient.refresh(record.token.refreshToken, {
          realmId,
          ...(record.token.idToken ? { idToken: record.token.idToken } : {}),
          updateClient: false,
          // Give up before the lease ends, so no other holder can start while we still might write.
          signal: AbortSignal.timeout(Math.max(1_000, this.lockLeaseMs - 5_000)),
        }),
      );
    } catch (err) {
      if (err instanceof AuthClientError && err.error === "invalid_grant") {
        const error = await this.#markDead(record, "invalid_grant", err);
        throw error;
      }
      // Anything else (network, timeout, 5xx): keep the stored refresh token; it may still be the newest.
      throw err;
    }
    const next: TokenRecord = {
      realmId,
      // Frozen and printed redacted: listeners of `refreshed` and every caller waiting on this
      // refresh share it. The same grant, so its realm is as proven as it was when saved.
      token: Object.freeze(
        copyTokenSet({
          ...token,
          realmId,
          realmIdVerified: record.token.realmIdVerified,
          idToken: token.idToken ?? record.token.idToken,
        }),
      ),
      updatedAt: this.#clock(),
    };
    if (record.warningsSent !== undefined) next.warningsSent = record.warningsSent;
    // Persist before anyone sees the new access token. If this throws, the caller gets the error
    // and the previous record stays; Intuit keeps the previous refresh token valid for 24 h.
    await this.store.set(next);
    this.#emit("refreshed", realmId, next.token);
    await this.#checkHardExpiry(next);
    return next.token;
  }

  async #markDead(record: TokenRecord, reason: ReauthorizationReason, cause: AuthClientError | undefined) {
    const at = this.#clock();
    const updated: TokenRecord = {
      ...record,
      // Only short identifiers are kept: server text (error_description) could echo a token.
      reauthorization: {
        reason,
        at,
        ...(cause?.error && SAFE_CODE.test(cause.error) ? { error: cause.error } : {}),
        ...(cause?.intuitTid && SAFE_TID.test(cause.intuitTid) ? { intuitTid: cause.intuitTid } : {}),
      },
      updatedAt: at,
    };
    await this.store.set(updated);
    const error = this.#reauthError(updated, reason, at, cause);
    this.#emit("reauthorizationRequired", record.realmId, error);
    return error;
  }

  #reauthError(record: TokenRecord, reason: ReauthorizationReason, since: number, cause?: unknown) {
    return new ReauthorizationRequiredError(record.realmId, reason, since, cause ? { cause } : undefined);
  }

  async #checkHardExpiry(record: TokenRecord): Promise<void> {
    const hardAt = record.token.refreshTokenHardExpiresAt;
    if (hardAt === undefined) return;
    const daysLeft = Math.floor((hardAt - this.#clock()) / DAY_MS);
    const sent = new Set(record.warningsSent ?? []);
    const crossed = this.#warningDays.filter((d) => daysLeft <= d && !sent.has(d));
    if (crossed.length === 0) return;
    for (const d of crossed) sent.add(d);
    await this.store.set({
      ...record,
      warningsSent: [...sent].sort((a, b) => b - a),
      updatedAt: this.#clock(),
    });
    this.#emit("hardExpiryApproaching", record.realmId, Math.max(0, daysLeft));
  }

  /** Runs `fn` holding the realm's store lock, waiting (with backoff) for another holder. */
  async #withLock<T>(realmId: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    let owner: string | undefined;
    for (
      let attempt = 1;
      (owner = await this.store.tryLock(realmId, this.lockLeaseMs)) === undefined;
      attempt++
    ) {
      if (Date.now() - started >= this.lockWaitMs) throw new LockTimeoutError(realmId, Date.now() - started);
      const decision = decideRetry({ busy: true }, LOCK_WAIT, true, attempt);
      if (decision.retry) await sleep(decision.afterMs);
    }
    try {
      return await fn();
    } finally {
      await this.store.unlock(realmId, owner).catch((err: unknown) => {
        // The lease expires on its own; a failed unlock only delays the next refresher.
        this.#log.warn({ realmId, error: (err as Error)?.name }, "intuit-oauth-client: unlock failed");
      });
    }
  }

  #emit<K extends keyof TokenManagerEvents>(event: K, ...args: TokenManagerEvents[K]): void {
    try {
      this.emit(event, ...args);
    } catch (err) {
      this.#log.error({ event, error: (err as Error)?.name }, "intuit-oauth-client: an event listener threw");
    }
  }
}

/** The hard-expiry warning days, largest first; each a number of days greater than 0. */
function warningDays(days: readonly number[] | undefined): number[] {
  if (days === undefined) return [30, 7];
  if (!Array.isArray(days))
    throw new ConfigurationError(
      `hardExpiryWarningDays must be an array of numbers of days, not ${describeValue(days)}`,
    );
  return days
    .map((d, i) => {
      if (typeof d === "number" && Number.isFinite(d) && d > 0) return d;
      throw new ConfigurationError(
        `hardExpiryWarningDays[${i}] must be a number of days greater than 0, not ${describeValue(d)}`,
      );
    })
    .sort((a, b) => b - a);
}
