// The logger interface the library writes to. `console` and pino both satisfy it.
// Library code passes only non-secret fields: method, URL without query, status, intuit_tid, timing.

/** Anything with pino-style `(fields, message)` methods; `console` works too. */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Accepts a partial logger (only some levels) and fills the rest with no-ops. */
export type LoggerLike = Partial<Logger>;

const noop = () => {};

export function toLogger(logger: LoggerLike | undefined): Logger {
  const bind = (fn: ((f: Record<string, unknown>, m: string) => void) | undefined) =>
    fn ? fn.bind(logger) : noop;
  return {
    debug: bind(logger?.debug),
    info: bind(logger?.info),
    warn: bind(logger?.warn),
    error: bind(logger?.error),
  };
}
