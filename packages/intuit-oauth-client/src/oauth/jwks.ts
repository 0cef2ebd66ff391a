// Intuit's signing keys: one RemoteJwks per jwks_uri inside a JwksCache that a config owns (its own
// by default; shared only when the caller says so), with a maximum age, single-flight fetches, a cooldown so random
// `kid`s cannot cause a fetch storm, and failures remembered for the cooldown. Keys are imported
// once per `kid` (a KeyObject on Node, a CryptoKey elsewhere), so a warm verification is one verify.
import { IntuitOAuthError } from "../common/errors.js";
import { importRsaKey, type RsaVerifyKey } from "../crypto/rsa.js";
import { bodyText, type HttpClient } from "../http/request.js";

/** The JWKS could not be fetched or holds no usable RS256 key. */
export class JwksError extends IntuitOAuthError {
  static override readonly code = "ERR_JWKS";
  declare readonly code: "ERR_JWKS";
}

/** Cache behaviour for remote key sets. */
export interface JwksCacheOptions {
  /** Keys older than this are refetched before use. Default 10 minutes. */
  maxAgeMs?: number;
  /** Minimum time between fetches triggered by an unknown `kid` or after a failure. Default 30 s. */
  cooldownMs?: number;
  /** Timeout of a JWKS fetch; a longer `Retry-After` is not waited for. Default 5 s. */
  timeoutMs?: number;
}

export const DEFAULT_JWKS_OPTIONS: Required<JwksCacheOptions> = {
  maxAgeMs: 10 * 60 * 1000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
};

/** Parses a JWKS document into RS256 verification keys by `kid` (RSA of 2048 bits or more only). */
export async function importJwks(doc: unknown): Promise<Map<string, RsaVerifyKey>> {
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new JwksError("JWKS document has no keys array");
  const keys = new Map<string, RsaVerifyKey>();
  for (const jwk of list as Array<Record<string, unknown>>) {
    if (typeof jwk !== "object" || jwk === null) continue;
    if (jwk["kty"] !== "RSA" || typeof jwk["kid"] !== "string") continue;
    if (jwk["use"] !== undefined && jwk["use"] !== "sig") continue;
    if (jwk["alg"] !== undefined && jwk["alg"] !== "RS256") continue;
    // An unusable or short key is skipped; the others still work.
    const key = await importRsaKey({ n: jwk["n"], e: jwk["e"] });
    if (key) keys.set(jwk["kid"], key);
  }
  return keys;
}

/** One remote key set. */
export class RemoteJwks {
  readonly uri: string;
  private keys = new Map<string, RsaVerifyKey>();
  private fetchedAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private pending: Promise<void> | undefined;
  /** The last fetch's failure, answered again without a request until the cooldown has passed. */
  private failure: unknown;
  /** Number of fetches made (useful to prove caching). */
  fetchCount = 0;

  constructor(uri: string) {
    this.uri = uri;
  }

  /** The key for `kid` if the cache is warm and fresh; no I/O. */
  peek(kid: string, now: number, maxAgeMs: number): RsaVerifyKey | undefined {
    return now - this.fetchedAt < maxAgeMs ? this.keys.get(kid) : undefined;
  }

  /** The key for `kid`, fetching when stale, or once (outside the cooldown) when `kid` is unknown. */
  async getKey(
    kid: string,
    http: HttpClient,
    options: Required<JwksCacheOptions>,
  ): Promise<RsaVerifyKey | undefined> {
    const now = Date.now();
    // A failing JWKS is not asked again for every token: the failure is kept for the cooldown.
    if (this.failure !== undefined && now - this.lastAttemptAt < options.cooldownMs) {
      const stale = this.keys.get(kid);
      if (stale) return stale;
      throw this.failure;
    }
    if (now - this.fetchedAt >= options.maxAgeMs) {
      try {
        await this.refresh(http, options);
      } catch (err) {
        // A stale key still verifies a token it signed; prefer it to an outage.
        const stale = this.keys.get(kid);
        if (stale) return stale;
        throw err;
      }
    }
    const key = this.keys.get(kid);
    if (key) return key;
    if (Date.now() - this.lastAttemptAt < options.cooldownMs) return undefined;
    await this.refresh(http, options);
    return this.keys.get(kid);
  }

  /** Fetches now; concurrent callers share the one request. */
  refresh(http: HttpClient, options: Required<JwksCacheOptions>): Promise<void> {
    this.pending ??= (async () => {
      this.lastAttemptAt = Date.now();
      this.fetchCount++;
      try {
        // A Retry-After longer than the fetch timeout is not waited for: it would hold up every
        // verification behind it.
        const res = await http.send({
          method: "GET",
          url: this.uri,
          idempotent: true,
          timeoutMs: options.timeoutMs,
          retry: { maxRetryAfterMs: options.timeoutMs },
        });
        // Every answer's intuit_tid goes into the error, for a support ticket.
        const tid = res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : "";
        if (res.status !== 200) throw new JwksError(`JWKS at ${this.uri} answered HTTP ${res.status}${tid}`);
        let doc: unknown;
        try {
          doc = JSON.parse(bodyText(res));
        } catch {
          throw new JwksError(`JWKS at ${this.uri} is not valid JSON${tid}`);
        }
        let keys: Map<string, RsaVerifyKey>;
        try {
          keys = await importJwks(doc);
        } catch (err) {
          if (err instanceof JwksError) throw new JwksError(`JWKS at ${this.uri}: ${err.message}${tid}`);
          throw err;
        }
        if (keys.size === 0) throw new JwksError(`JWKS at ${this.uri} holds no usable RS256 key${tid}`);
        this.keys = keys;
        this.fetchedAt = Date.now();
        this.failure = undefined;
      } catch (err) {
        this.failure = err;
        throw err;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** Seeds keys (e.g. from a JWKS document fetched elsewhere), marking them fresh. */
  async seed(doc: unknown): Promise<void> {
    this.keys = await importJwks(doc);
    this.fetchedAt = Date.now();
    this.failure = undefined;
  }
}

/**
 * Key sets by jwks_uri. Each AuthClient (each config) has its own unless given one (`jwksCache`):
 * pass one cache to several clients, or {@link JwksCache.shared}, to share keys and fetches.
 *
 * @example
 * const jwksCache = new JwksCache(); // one set of keys and fetches for these two clients
 * const sandbox = new AuthClient({ ...options, jwksCache });
 * const other = new AuthClient({ ...otherOptions, jwksCache });
 */
export class JwksCache {
  static #shared: JwksCache | undefined;
  readonly #sets = new Map<string, RemoteJwks>();

  /** One cache for the whole process, for clients that opt in (`jwksCache: JwksCache.shared`). */
  static get shared(): JwksCache {
    return (JwksCache.#shared ??= new JwksCache());
  }

  /** The key set of `uri`, created on first use. */
  get(uri: string): RemoteJwks {
    let set = this.#sets.get(uri);
    if (!set) this.#sets.set(uri, (set = new RemoteJwks(uri)));
    return set;
  }

  /** Forgets every key set (to force a refetch). */
  clear(): void {
    this.#sets.clear();
  }
}
