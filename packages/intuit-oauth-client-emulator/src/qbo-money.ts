// Numbers as QuickBooks documents carry them: money to two decimals, and lenient reading of amounts
// that arrive as numbers or numeric strings.

/** Two decimals, as the money fields production returns. */
export const money = (n: number): number => Math.round(n * 100) / 100;

/** A number from a JSON value (number or numeric string); 0 for anything else. */
export const num = (v: unknown): number => {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
};
