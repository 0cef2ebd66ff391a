// Errors of the wire: the request failed before an answer arrived, took too long, or was aborted.
// They say whether the request may have reached the server, which decides whether a retry is safe.
import { IntuitOAuthError, type ErrorParent } from "../common/errors.js";

/** The request failed before any HTTP answer arrived (DNS, refused, reset, TLS...). */
export class NetworkError extends IntuitOAuthError {
  static override readonly code = "ERR_NETWORK";
  declare readonly code: "ERR_NETWORK" | "ERR_TIMEOUT" | "ERR_ABORT";
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
export class TimeoutError extends (NetworkError as ErrorParent<typeof NetworkError>) {
  static override readonly code = "ERR_TIMEOUT";
  declare readonly code: "ERR_TIMEOUT";
}

/** The request was aborted by the caller's AbortSignal. */
export class AbortError extends (NetworkError as ErrorParent<typeof NetworkError>) {
  static override readonly code = "ERR_ABORT";
  declare readonly code: "ERR_ABORT";
}
