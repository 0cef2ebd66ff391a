// The connection of a Redis or PostgreSQL store: the user's (never closed by the store), or one
// the store opens on first use, retries after a failed open, and closes exactly once. It wraps every
// failure in the owner's error class (TokenStoreError for token stores, SharedStoreError for the
// fleet classes), whose message and cause never show the URL's credentials. It must not import a
// driver: the store's `open` does that, lazily.
import type { ConnectionTarget } from "../common/connection-url.js";
import { IntuitOAuthError } from "../common/errors.js";
import { redactCredentials, redactError } from "../common/redact-error.js";

/** The error class a connection's failures become. */
export type StoreErrorClass = new (message: string, options?: { cause?: unknown }) => IntuitOAuthError;

/** How a store opens, names and closes its connection. */
export interface LazyConnectionOptions<C> {
  /** Class name for "is closed" errors, e.g. `RedisTokenStore`. */
  storeName: string;
  /** What every failure becomes, e.g. TokenStoreError. */
  error: StoreErrorClass;
  /** Service name that starts every error message, e.g. `Redis`. */
  service: string;
  /** A connection the user passed in and owns; when set, `open` is never called. */
  given?: C | undefined;
  /** Opens the store's own connection (imports the driver, connects). */
  open: () => Promise<C>;
  /** Closes a connection `open` returned. */
  close: (connection: C) => Promise<void>;
  /** Extra advice for a failed operation, e.g. " (run migrate())", or "". */
  hint?: (cause: unknown) => string;
  /** Where the store's own connection goes (from its URL): named in errors, its secrets scrubbed. */
  target?: ConnectionTarget | undefined;
}

/** One lazily opened connection, shared by every operation of a store. */
export class LazyConnection<C> {
  readonly #options: LazyConnectionOptions<C>;
  #connection: Promise<C> | undefined;
  #owned: C | undefined;
  #closed = false;

  constructor(options: LazyConnectionOptions<C>) {
    this.#options = options;
    if (options.given !== undefined) this.#connection = Promise.resolve(options.given);
  }

  /**
   * Runs `fn` on the connection, opening it first if needed. A failed open, or a failure of `fn`,
   * rejects with the owner's error class (`<service>: cannot connect to <host:port> (<what>)`, `<service>: <what> failed: …`).
   */
  async run<T>(what: string, fn: (connection: C) => Promise<T>): Promise<T> {
    const { service, hint, target, error: StoreError } = this.#options;
    let connection: C;
    try {
      connection = await this.#connect();
    } catch (cause) {
      if (cause instanceof IntuitOAuthError) throw cause;
      const to = target ? ` to ${target.where}` : "";
      throw new StoreError(`${service}: cannot connect${to} (${what})`, { cause: this.#redact(cause) });
    }
    try {
      return await fn(connection);
    } catch (cause) {
      // The library's own errors (a store's, a configuration error) are not storage failures: they
      // pass as they are.
      if (cause instanceof IntuitOAuthError) throw cause;
      const message = redactCredentials(
        cause instanceof Error ? cause.message : String(cause),
        target?.secrets,
      );
      // A pool connects inside the query: say where it could not connect to.
      const failed =
        target && isConnectionFailure(cause)
          ? `cannot connect to ${target.where} (${what})`
          : `${what} failed`;
      throw new StoreError(`${service}: ${failed}: ${message}${hint?.(cause) ?? ""}`, {
        cause: this.#redact(cause),
      });
    }
  }

  /** Closes the connection the store opened; a connection the user gave stays open. Later calls reject. */
  async close(): Promise<void> {
    this.#closed = true;
    const owned = this.#owned;
    this.#owned = undefined;
    if (owned === undefined) return;
    try {
      await this.#options.close(owned);
    } catch (cause) {
      throw new this.#options.error(`${this.#options.service}: closing the connection failed`, {
        cause: this.#redact(cause),
      });
    }
  }

  /** A copy of a driver's error without the URL's secrets (node-redis keeps the whole URL in `input`). */
  #redact(cause: unknown): unknown {
    return redactError(cause, this.#options.target?.secrets);
  }

  #connect(): Promise<C> {
    if (this.#closed) return Promise.reject(this.#closedError());
    this.#connection ??= this.#open().catch((e: unknown) => {
      this.#connection = undefined; // let the next call try again
      throw e;
    });
    return this.#connection;
  }

  async #open(): Promise<C> {
    const connection = await this.#options.open();
    // close() ran while we were opening: nobody will ever close this one but us.
    if (this.#closed) {
      await this.#options.close(connection);
      throw this.#closedError();
    }
    this.#owned = connection;
    return connection;
  }

  #closedError(): IntuitOAuthError {
    return new this.#options.error(`${this.#options.storeName} is closed`);
  }
}

// A socket error (ECONNREFUSED, ENOTFOUND…), or SQLSTATE class 08 (connection), 28 (authorization)
// or 3D000 (no such database).
function isConnectionFailure(cause: unknown): boolean {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && (/^E[A-Z]+$/.test(code) || /^(08|28)[0-9A-Z]{3}$|^3D000$/.test(code));
}
