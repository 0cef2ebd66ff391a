// Errors of Intuit's OAuth endpoints: an answer that says no (AuthClientError, with Python's
// fields), a grant that is gone (InvalidGrantError), and a discovery document that cannot be used.
// Bodies are redacted before they are stored; nothing holds a request.
import { IntuitOAuthError, type ErrorParent } from "../common/errors.js";
import { definePythonErrorAliases } from "../common/python.js";
import { redactText } from "../common/redact.js";

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

// invalid_client is nearly always a set-up mistake: say what to check (the Python-shaped message first).
const INVALID_CLIENT_HINT =
  ". Intuit refused the app's credentials (invalid_client): check the client id and secret (both " +
  "from the same app, copied whole), that they are the app's Development keys for the sandbox " +
  "environment or its Production keys for production, and the `environment` option";

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
  static override readonly code = "ERR_AUTH_CLIENT";
  declare readonly code: "ERR_AUTH_CLIENT" | "ERR_INVALID_GRANT";
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
        `HTTP status ${details.statusCode}, error message: ${content}, intuit_tid ${details.intuitTid ?? "None"} at time ${details.timestamp ?? "None"}` +
          (details.error === "invalid_client" ? INVALID_CLIENT_HINT : ""),
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

  static {
    definePythonErrorAliases(this);
  }
  /** Python spelling of {@link statusCode} (see common/python.ts). */
  declare readonly status_code: number;
  /** Python spelling of {@link intuitTid} (see common/python.ts). */
  declare readonly intuit_tid: string | undefined;
}

/**
 * `invalid_grant`: the code or refresh token is invalid, expired, reused or revoked. The user must
 * connect again: `mustReconnect(e)` is true for it.
 */
export class InvalidGrantError extends (AuthClientError as ErrorParent<typeof AuthClientError>) {
  static override readonly code = "ERR_INVALID_GRANT";
  declare readonly code: "ERR_INVALID_GRANT";
}

/** The discovery document could not be fetched or is invalid. */
export class DiscoveryError extends IntuitOAuthError {
  static override readonly code = "ERR_DISCOVERY";
  declare readonly code: "ERR_DISCOVERY";
}
