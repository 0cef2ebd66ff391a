// How the CLI shows things to a person: shortened tokens, dates, one-line errors.
// It must never print a secret in full; only the `token` command prints a token, and not through here.
import { createHash } from "node:crypto";

/**
 * A token shortened for display: its first characters, its length and a short fingerprint, so two
 * values can be told apart without revealing either, e.g. `RT1-12-H0-…(54 chars, #3f9a1c)`.
 */
export function shorten(token: string | undefined, keep = 8): string {
  if (!token) return "(none)";
  const fp = createHash("sha256").update(token).digest("hex").slice(0, 6);
  const head = token.length > keep * 2 ? token.slice(0, keep) : "";
  return `${head}…(${token.length} chars, #${fp})`;
}

/** A refresh token shortened: Intuit's keep their recognisable `RT1-12-H0-` prefix. */
export function shortenRefreshToken(token: string | undefined): string {
  return shorten(token, 10);
}

/** An epoch-ms time as ISO 8601, or `-`. */
export function iso(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? "-" : new Date(ms).toISOString();
}

/** A duration in seconds, in words (`3600 s (1 h)`). */
export function seconds(value: number | undefined): string {
  if (value === undefined) return "-";
  if (value >= 86_400) return `${value} s (${Math.round((value / 86_400) * 10) / 10} days)`;
  if (value >= 3_600) return `${value} s (${Math.round((value / 3_600) * 10) / 10} h)`;
  return `${value} s`;
}

/** Aligned `label: value` lines, indented. */
export function table(rows: Array<[string, string]>, indent = "  "): string {
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  return rows.map(([k, v]) => `${indent}${`${k}:`.padEnd(width)} ${v}`).join("\n");
}

/** Squeezes text onto one line (server messages can hold HTML and newlines). */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
