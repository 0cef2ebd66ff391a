// The one options normaliser for numbers: every numeric option of the library (timeouts, retries,
// sizes, leases, margins, limits, TTLs, tolerances) is checked by one of these, once, where it is
// read. A bad value is a ConfigurationError naming the option and the kind of value given: a number
// is shown, a string never is (a secret pasted into the wrong option must not reach a log).
import { ConfigurationError } from "./errors.js";

/** Pass as the default of an argument that has none: `undefined` is then refused, by name. */
export const REQUIRED: unique symbol = Symbol("required");
type Fallback = number | undefined | typeof REQUIRED;
type Checked<D extends Fallback> = number | Exclude<D, typeof REQUIRED>;

/** The longest wait a timer can make (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

interface NumberRule {
  /** Whole numbers only. */
  integer: boolean;
  min: number;
  /** `min` itself is refused (a duration "greater than 0"). */
  aboveMin: boolean;
  max: number;
  /** What the option must be, for the message. */
  expected: string;
}

/** How a bad value is named in a message: numbers as themselves, anything else by its kind only. */
export function describeValue(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;
}

function checkNumber<D extends Fallback>(
  name: string,
  value: unknown,
  fallback: D,
  rule: NumberRule,
): Checked<D> {
  if (value === undefined) {
    if (fallback === REQUIRED) throw new ConfigurationError(`${name} is required: ${rule.expected}`);
    return fallback as Checked<D>;
  }
  if (
    typeof value === "number" &&
    (rule.integer ? Number.isInteger(value) : Number.isFinite(value)) &&
    (rule.aboveMin ? value > rule.min : value >= rule.min) &&
    value <= rule.max
  )
    return value;
  throw new ConfigurationError(`${name} must be ${rule.expected}, not ${describeValue(value)}`);
}

const POSITIVE_MS: NumberRule = {
  integer: false,
  min: 0,
  aboveMin: true,
  max: MAX_TIMER_MS,
  expected: `a number of ms greater than 0 and at most ${MAX_TIMER_MS}`,
};
const NON_NEGATIVE_MS: NumberRule = {
  integer: false,
  min: 0,
  aboveMin: false,
  max: MAX_TIMER_MS,
  expected: `a number of ms from 0 to ${MAX_TIMER_MS}`,
};
const NON_NEGATIVE_SECONDS: NumberRule = {
  integer: false,
  min: 0,
  aboveMin: false,
  max: Math.floor(MAX_TIMER_MS / 1000),
  expected: `a number of seconds from 0 to ${Math.floor(MAX_TIMER_MS / 1000)}`,
};

/**
 * A duration in ms that must be longer than zero (a timeout, a lease, a TTL, a poll interval), and
 * that a timer can wait. `fallback` is returned when the option is not set (`REQUIRED`: refused).
 *
 * @example
 * const timeoutMs = positiveMs("timeoutMs", options.timeoutMs, 30_000);
 */
export function positiveMs<D extends Fallback>(name: string, value: unknown, fallback: D): Checked<D> {
  return checkNumber(name, value, fallback, POSITIVE_MS);
}

/** A duration in ms that may be zero (a margin, a wait that may be skipped, a backoff). */
export function nonNegativeMs<D extends Fallback>(name: string, value: unknown, fallback: D): Checked<D> {
  return checkNumber(name, value, fallback, NON_NEGATIVE_MS);
}

/** A duration in seconds that may be zero, where Intuit's protocol speaks seconds (clock tolerance). */
export function nonNegativeSeconds<D extends Fallback>(
  name: string,
  value: unknown,
  fallback: D,
): Checked<D> {
  return checkNumber(name, value, fallback, NON_NEGATIVE_SECONDS);
}

/** A whole number of at least 1 (a size, a count of slots, a per-minute limit, a budget), up to `max`. */
export function positiveInt<D extends Fallback>(
  name: string,
  value: unknown,
  fallback: D,
  max: number = Number.MAX_SAFE_INTEGER,
): Checked<D> {
  return checkNumber(name, value, fallback, {
    integer: true,
    min: 1,
    aboveMin: false,
    max,
    expected:
      max === Number.MAX_SAFE_INTEGER ? "a whole number of at least 1" : `a whole number from 1 to ${max}`,
  });
}

/** A whole number that may be zero (a number of retries). */
export function nonNegativeInt<D extends Fallback>(name: string, value: unknown, fallback: D): Checked<D> {
  return checkNumber(name, value, fallback, {
    integer: true,
    min: 0,
    aboveMin: false,
    max: Number.MAX_SAFE_INTEGER,
    expected: "a whole number of at least 0",
  });
}
