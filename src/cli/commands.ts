// The command table: names, options, help text, and which function runs each command.
import type { ParseArgsConfig } from "node:util";
import { UsageError, type Flags } from "./config.js";
import { runDemo } from "./demo.js";

/** One CLI command. */
export interface Command {
  name: string;
  aliases?: string[];
  usage: string;
  summary: string;
  help: string;
  options?: NonNullable<ParseArgsConfig["options"]>;
  /** Most positional arguments accepted. Default 0. */
  positionals?: number;
  run(flags: Flags, positionals: string[]): Promise<number | void>;
}

function port(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be 0-65535, not ${String(value)}`);
  return n;
}

export const COMMANDS: Command[] = [
  {
    name: "demo",
    usage: "demo [--port N]",
    summary: "Walk through the whole OAuth tutorial against an in-process emulator (offline)",
    help: `Options:
  --port N    emulator port on 127.0.0.1 (default 0: any free port)

Example:
  npx intuit-oauth demo`,
    options: { port: { type: "string" } },
    run: (flags) => runDemo({ port: port(flags["port"], 0) }),
  },
];
