// The library's one error hierarchy. Every class has a stable string `code` (on the class and on
// each instance) so callers can branch without instanceof across package copies.
// Errors never hold secrets: bodies are redacted before they are stored, and nothing holds a request.
import { redactText } from "./redact.js";

/** Base class of every error this library throws. */
export class IntuitOAuthError extends Error {
  /** Stable machine-readable code. */
  static readonly code: string = "ERR_INTUIT_OAUTH";
  readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = (new.target as typeof IntuitOAuthError).code;
  }
}

/** A required option or argument is missing or invalid: a programming error, not a server failure. */
export class ConfigurationError extends IntuitOAuthError {
  static override readonly code: string = "ERR_CONFIGURATION";
}

/** A token method was called without a token and the client holds none (Python's ValueError). */
export class MissingTokenError extends IntuitOAuthError {
  static override readonly code: string = "ERR_TOKEN_NOT_SPECIFIED";
}

/** Fields of an HTTP answer from Intuit, as captured by the transport. */
export interface HttpErrorDetails {
  statusCode: number;
  content: string;
  headers: Readonly<Record<string, string>>;
  intuitTid?: string | undefined;
  timestamp?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** Values the request carried (code, tokens, secret): removed from content and description. */
  sent?: readonly (string | undefined)[] | undefined;
}

/**
 * Intuit answered with an error: a non-2xx status, or a 200 whose body is not a usable token
 * response. Mirrors Python's `intuitlib.exceptions.AuthClientError`, and also parses the OAuth
 * `error` and `error_description` fields.
 *
 * @example
 * try { await authClient.refresh(); } catch (e) {
 *   if (e instanceof AuthClientError) console.log(e.statusCode, e.content, e.intuitTid);
 * }
 */
export class AuthClientError extends IntuitOAuthError {
  static override readonly code: string = "ERR_AUTH_CLIENT";
  /** HTTP status code (200 when a 200 carried an unusable body). */
  readonly statusCode: number;
  /** The raw body text, with any token values redacted. */
  readonly content: string;
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** Intuit's `intuit_tid` correlation id, when the server sent one. */
  readonly intuitTid: string | undefined;
  /** The response's `Date` header, when present. */
  readonly timestamp: string | undefined;
  /** OAuth `error` code parsed from a JSON body, e.g. `invalid_grant`. */
  readonly error: string | undefined;
  /** OAuth `error_description`, when present. */
  readonly errorDescription: string | undefined;

  constructor(details: HttpErrorDetails, message?: string) {
    const content = redactText(details.content, details.sent);
    super(
      message ??
        `HTTP status ${details.statusCode}, error message: ${content}, intuit_tid ${details.intuitTid ?? "None"} at time ${details.timestamp ?? "None"}`,
    );
    this.statusCode = details.statusCode;
    this.content = content;
    this.headers = details.headers;
    this.intuitTid = details.intuitTid;
    this.timestamp = details.timestamp;
    this.error = details.error === undefined ? undefined : redactText(details.error, details.sent);
    this.errorDescription =
      details.errorDescription === undefined ? undefined : redactText(details.errorDescription, details.sent);
  }

  /** True when the grant is gone (`invalid_grant`) and the user must connect again. */
  get reauthorizationRequired(): boolean {
    return this.error === "invalid_grant";
  }
  /** Python spelling of {@link statusCode}. */
  get status_code(): number {
    return this.statusCode;
  }
  /** Python spelling of {@link intuitTid}. */
  get intuit_tid(): string | undefined {
    return this.intuitTid;
  }
}

/** `invalid_grant`: the code or refresh token is invalid, expired, reused or revoked. Reconnect. */
export class InvalidGrantError extends AuthClientError {
  static override readonly code: string = "ERR_INVALID_GRANT";
}

/** The request failed before any HTTP answer arrived (DNS, refused, reset, TLS...). */
export class NetworkError extends IntuitOAuthError {
  static override readonly code: string = "ERR_NETWORK";
  /** False only when the request certainly never reached the server (so it is safe to resend). */
  readonly requestMayHaveBeenSent: boolean;
  /** The underlying system error code, e.g. `ECONNRESET`. */
  readonly systemCode: string | undefined;
  /** Intuit's `intuit_tid`, when the answer's headers arrived before the connection failed. */
  readonly intuitTid: string | undefined;
  constructor(
    message: string,
    options: { cause?: unknown; requestMayHaveBeenSent: boolean; systemCode?: string; intuitTid?: string },
  ) {
    super(message, { cause: options.cause });
    this.requestMayHaveBeenSent = options.requestMayHaveBeenSent;
    this.systemCode = options.systemCode;
    this.intuitTid = options.intuitTid;
  }
}

/** The request took longer than its timeout, or its AbortSignal fired. */
export class TimeoutError extends NetworkError {
  static override readonly code: string = "ERR_TIMEOUT";
}

/** The request was aborted by the caller's AbortSignal. */
export class AbortError extends NetworkError {
  static override readonly code: string = "ERR_ABORTED";
}

/** The discovery document could not be fetched or is invalid. */
export class DiscoveryError extends IntuitOAuthError {
  static override readonly code: string = "ERR_DISCOVERY";
}
