// The CLI's own two failures, by exit code, and the parsed-flags type: shared by every CLI module.

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A failure the CLI explains itself in one line: exit code 1. */
export class CliError extends Error {
  override name = "CliError";
}

/** The parsed values of {@link COMMON_OPTIONS} (and any command options). */
export type Flags = Record<string, string | boolean | undefined>;
