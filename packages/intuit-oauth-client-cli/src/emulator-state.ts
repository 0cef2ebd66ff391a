// Where `intuit-oauth-client-cli emulator` keeps its state (grants, tokens, signing keys) between runs, so a
// restart does not kill the tokens `login` stored. Resolves and prepares the path and explains an
// unreadable file; the emulator itself reads and writes it. Must never print the file's contents.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { defaultConfigDirectory } from "intuit-oauth-client";
import { CliError } from "./config.js";

/** `memory` (--ephemeral), `default` (the config directory) or a file path (--state-file). */
export type EmulatorStateChoice = "memory" | "default" | (string & {});

/** The default state file: `<config dir>/intuit-oauth-client-emulator-state.json`. */
export function defaultEmulatorStateFile(): string {
  return join(defaultConfigDirectory(), "intuit-oauth-client", "emulator-state.json");
}

/**
 * The file to persist to (its directory created, private), or undefined to keep state in memory.
 * An existing file must be one the emulator wrote; anything else stops here with a clear message,
 * and is left as it is.
 */
export function prepareEmulatorState(choice: EmulatorStateChoice): string | undefined {
  if (choice === "memory") return undefined;
  const file = resolve(choice === "default" ? defaultEmulatorStateFile() : choice);
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new CliError(
      `Cannot create the directory of the emulator state file ${file}: ${(err as Error).message}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return file; // the first run creates it
    throw new CliError(`Cannot read the emulator state file ${file}: ${(err as Error).message}`);
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as { version?: unknown } | null)?.version;
  } catch {
    version = undefined;
  }
  if (version !== 1)
    throw new CliError(
      `The emulator state file ${file} is not one this emulator wrote (or is damaged). ` +
        "Move it away, or run with --ephemeral or another --state-file.",
    );
  return file;
}
