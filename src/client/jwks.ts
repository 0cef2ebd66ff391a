// Intuit's signing keys: a per-jwks_uri cache shared by every client in the process, with a
// maximum age, single-flight fetches, and a cooldown so random `kid`s cannot cause a fetch storm.
// Keys are imported to KeyObjects once, so a warm verification costs one crypto.verify.
import { createPublicKey, type KeyObject } from "node:crypto";
import { IntuitOAuthError } from "../http/errors.js";
import type { HttpClient } from "../http/request.js";

/** The JWKS could not be fetched or holds no usable RS256 key. */
export class JwksError extends IntuitOAuthError {
  static override readonly code: string = "ERR_JWKS";
}

/** Cache behaviour for remote key sets. */
export interface JwksCacheOptions {
  /** Keys older than this are refetched before use. Default 10 minutes. */
  maxAgeMs?: number;
  /** Minimum time between fetches triggered by an unknown `kid`. Default 30 s. */
  cooldownMs?: number;
  /** Timeout of a JWKS fetch. Default 5 s. */
  timeoutMs?: number;
}

const MIN_RSA_BITS = 2048;

/** Parses a JWKS document into RS256 verification keys by `kid` (RSA of 2048 bits or more only). */
export function importJwks(doc: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new JwksError("JWKS document has no keys array");
  for (const jwk of list as Array<Record<string, unknown>>) {
    if (typeof jwk !== "object" || jwk === null) continue;
    if (jwk["kty"] !== "RSA" || typeof jwk["kid"] !== "string") continue;
    if (jwk["use"] !== undefined && jwk["use"] !== "sig") continue;
    if (jwk["alg"] !== undefined && jwk["alg"] !== "RS256") continue;
    try {
      const key = createPublicKey({ key: { kty: "RSA", n: jwk["n"], e: jwk["e"] } as never, format: "jwk" });
      // RSA under 2048 bits is factorable by a determined attacker; such a key verifies nothing.
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue;
      keys.set(jwk["kid"], key);
    } catch {
      // An unusable key is skipped; the others still work.
    }
  }
  return keys;
}

/** One remote key set, shared by every client that uses the same jwks_uri. */
export class RemoteJwks {
  readonly uri: string;
  private keys = new Map<string, KeyObject>();
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
  peek(kid: string, now: number, maxAgeMs: number): KeyObject | undefined {
    return now - this.fetchedAt < maxAgeMs ? this.keys.get(kid) : undefined;
  }

  /** The key for `kid`, fetching when stale, or once (outside the cooldown) when `kid` is unknown. */
  async getKey(
    kid: string,
    http: HttpClient,
    options: Required<JwksCacheOptions>,
  ): Promise<KeyObject | undefined> {
    const now = Date.now();
    // A failing JWKS is not asked again for every token: the failure is cached for the cooldown.
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
          timeout: options.timeoutMs,
          retry: { maxRetryAfterMs: options.timeoutMs },
        });
        if (res.status !== 200)
          throw new JwksError(
            `JWKS at ${this.uri} answered HTTP ${res.status}${res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : ""}`,
          );
        // Every answer's intuit_tid goes into the error, for a support ticket.
        const tid = res.intuitTid ? ` (intuit_tid ${res.intuitTid})` : "";
        let doc: unknown;
        try {
          doc = JSON.parse(res.body.toString("utf8"));
        } catch {
          throw new JwksError(`JWKS at ${this.uri} is not valid JSON${tid}`);
        }
        let keys: Map<string, KeyObject>;
        try {
          keys = importJwks(doc);
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
  seed(doc: unknown): void {
    this.keys = importJwks(doc);
    this.fetchedAt = Date.now();
    this.failure = undefined;
  }
}

const sets = new Map<string, RemoteJwks>();

/** The shared key set for a jwks_uri. */
export function remoteJwks(uri: string): RemoteJwks {
  let set = sets.get(uri);
  if (!set) sets.set(uri, (set = new RemoteJwks(uri)));
  return set;
}

/** Drops every cached key set (tests, or to force a refetch). */
export function clearJwksCache(): void {
  sets.clear();
}

export const DEFAULT_JWKS_OPTIONS: Required<JwksCacheOptions> = {
  maxAgeMs: 10 * 60 * 1000,
  cooldownMs: 30_000,
  timeoutMs: 5_000,
};
