#!/usr/bin/env node
// The `intuit-oauth-client-cli` command line: dispatch, help, and turning errors into one line on stderr plus
// an exit code (1 failure, 2 usage or configuration mistake). Commands live in their own files.
import {
  AuthClientError,
  ConfigurationError,
  IntuitOAuthError,
  QuickBooksError,
  VERSION,
  mustReconnect,
} from "intuit-oauth-client";
import { optionsHelp, parseCommandArgs } from "./args.js";
import { COMMANDS, commandsTaking, type Command } from "./commands.js";
import { CliError, UsageError } from "./config.js";
import { oneLine } from "./output.js";
import { didYouMean } from "./suggest.js";

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `intuit-oauth-client-cli ${VERSION}: Intuit QuickBooks OAuth 2.0 from the command line, and an offline emulator.

Usage: intuit-oauth-client-cli <command> [options]

Commands:
${list}

The app's credentials come from --client-id, --client-secret, --redirect-uri and --environment,
or INTUIT_CLIENT_ID, INTUIT_CLIENT_SECRET, INTUIT_REDIRECT_URI and INTUIT_ENVIRONMENT.

Run \`intuit-oauth-client-cli <command> --help\` for a command's options. Try \`intuit-oauth-client-cli demo\` first.`;
}

function commandHelp(c: Command): string {
  return [
    `Usage: intuit-oauth-client-cli ${c.usage}`,
    c.summary,
    ...(c.about ? [c.about] : []),
    `Options:\n${optionsHelp(c.options)}`,
    ...(c.example ? [c.example] : []),
  ].join("\n\n");
}

const NAMES = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}

/** The message for a first argument that is not a command. */
function notACommand(arg: string): string {
  if (arg.startsWith("-")) {
    const name = arg.replace(/^--?/, "").split("=")[0] ?? "";
    if (commandsTaking(name, "").length > 0)
      return `Options go after the command, e.g. \`intuit-oauth-client-cli <command> ${arg.split("=")[0]} …\`. Run \`intuit-oauth-client-cli --help\` for the commands.`;
    return `Unknown option "${arg}". Run \`intuit-oauth-client-cli --help\` for the commands and \`intuit-oauth-client-cli <command> --help\` for their options.`;
  }
  return `Unknown command "${arg}".${didYouMean(arg, NAMES)} Run \`intuit-oauth-client-cli --help\` for the list.`;
}

/** One line for a person; `verbose` adds the details an Intuit support ticket needs. */
export function describeError(err: unknown, verbose: boolean): string {
  if (err instanceof UsageError || err instanceof CliError) return err.message;
  if (err instanceof AuthClientError) {
    const what = err.error
      ? `${err.error}${err.errorDescription ? ` (${err.errorDescription})` : ""}`
      : err.message.startsWith("HTTP status")
        ? ""
        : err.message;
    let line = `Intuit answered HTTP ${err.statusCode}${what ? `: ${oneLine(what)}` : ""}`;
    if (mustReconnect(err)) line += ". Run `intuit-oauth-client-cli login` to reconnect.";
    if (!verbose) return line;
    return [
      line,
      `  status: ${err.statusCode}`,
      `  intuit_tid: ${err.intuitTid ?? "-"}`,
      `  code: ${err.code}`,
      `  time: ${err.timestamp ?? "-"}`,
      `  body: ${oneLine(err.content, 2000)}`,
    ].join("\n");
  }
  if (err instanceof QuickBooksError) {
    const line = oneLine(err.message);
    if (!verbose) return line;
    return [
      line,
      `  status: ${err.statusCode}`,
      `  intuit_tid: ${err.intuitTid ?? "-"}`,
      `  code: ${err.code}`,
      `  body: ${oneLine(err.content, 2000)}`,
    ].join("\n");
  }
  if (err instanceof IntuitOAuthError) {
    let line = oneLine(err.message);
    // A company never connected needs the same command as one whose grant is gone.
    if (mustReconnect(err) || err.code === "ERR_TOKEN_NOT_FOUND")
      line += ". Run `intuit-oauth-client-cli login` to reconnect.";
    if (!verbose) return line;
    const cause = err.cause instanceof AuthClientError ? err.cause : undefined;
    return [
      line,
      `  code: ${err.code}`,
      ...(cause
        ? [
            `  status: ${cause.statusCode}`,
            `  intuit_tid: ${cause.intuitTid ?? "-"}`,
            `  body: ${oneLine(cause.content, 2000)}`,
          ]
        : []),
    ].join("\n");
  }
  const e = err as Error;
  return verbose && e?.stack ? e.stack : oneLine(e?.message ?? String(err));
}

/** Usage and configuration mistakes exit 2; everything else that fails exits 1. */
function exitCode(err: unknown): number {
  return err instanceof UsageError || err instanceof ConfigurationError ? 2 : 1;
}

/** Parses argv, runs the command, and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  let verbose = false;
  try {
    if (name === undefined || name === "--help" || name === "-h") {
      console.log(mainHelp());
      return 0;
    }
    if (name === "help") {
      if (rest.length === 0) {
        console.log(mainHelp());
        return 0;
      }
      const topic = findCommand(rest[0]!);
      if (!topic || rest.length > 1) throw new UsageError(notACommand(rest[topic ? 1 : 0]!));
      console.log(commandHelp(topic));
      return 0;
    }
    if (name === "--version" || name === "-V") {
      console.log(VERSION);
      return 0;
    }
    const command = findCommand(name);
    if (!command) throw new UsageError(notACommand(name));
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(commandHelp(command));
      return 0;
    }
    const parsed = parseCommandArgs(rest, {
      command: command.name,
      specs: command.options,
      maxPositionals: command.positionals ?? 0,
      elsewhere: (option) => commandsTaking(option, command.name),
    });
    if (parsed.flags["help"]) {
      console.log(commandHelp(command));
      return 0;
    }
    verbose = parsed.flags["verbose"] === true;
    return (await command.run(parsed.flags, parsed.positionals)) ?? 0;
  } catch (err) {
    console.error(`intuit-oauth-client-cli: ${describeError(err, verbose)}`);
    return exitCode(err);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`intuit-oauth-client-cli: ${String(err)}`);
    process.exitCode = 1;
  },
);
