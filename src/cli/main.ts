#!/usr/bin/env node
// The `intuit-oauth` command line: argument parsing, dispatch, help, and turning errors into one
// line on stderr plus an exit code (1 failure, 2 usage). Commands live in their own files.
import { parseArgs } from "node:util";
import { AuthClientError, IntuitOAuthError, QuickBooksError, VERSION } from "../index.js";
import { COMMON_OPTIONS, CliError, UsageError, type Flags } from "./config.js";
import { oneLine } from "./output.js";
import { COMMANDS, type Command } from "./commands.js";

const COMMON_HELP = `Common options:
  --client-id ID        or INTUIT_CLIENT_ID
  --client-secret S     or INTUIT_CLIENT_SECRET
  --redirect-uri URI    or INTUIT_REDIRECT_URI
  --environment ENV     sandbox | production | discovery URL, or INTUIT_ENVIRONMENT (default sandbox)
  --store-dir DIR       token directory, or INTUIT_OAUTH_STORE_DIR (default: your config directory)
  -v, --verbose         on errors, also show status, intuit_tid, error code and the (redacted) body
  -h, --help            help`;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `intuit-oauth ${VERSION}: Intuit QuickBooks OAuth 2.0 from the command line, and an offline emulator.

Usage: intuit-oauth <command> [options]

Commands:
${list}

${COMMON_HELP}

Run \`intuit-oauth <command> --help\` for a command's options. Try \`intuit-oauth demo\` first.`;
}

function commandHelp(c: Command): string {
  return `Usage: intuit-oauth ${c.usage}

${c.summary}

${c.help}

${COMMON_HELP}`;
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
    if (err.error === "invalid_grant") line += ". Run `intuit-oauth login` to reconnect.";
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
    if (err.code === "ERR_REAUTHORIZATION_REQUIRED" || err.code === "ERR_TOKEN_NOT_FOUND")
      line += ". Run `intuit-oauth login` to reconnect.";
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

/** Parses argv, runs the command, and resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    console.log(topic ? commandHelp(topic) : mainHelp());
    return 0;
  }
  if (name === "--version" || name === "-V") {
    console.log(VERSION);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
  let verbose = rest.includes("--verbose") || rest.includes("-v");
  try {
    if (!command)
      throw new UsageError(`Unknown command "${name}". Run \`intuit-oauth --help\` for the list.`);
    let parsed: { values: Flags; positionals: string[] };
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...COMMON_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      }) as { values: Flags; positionals: string[] };
    } catch (err) {
      throw new UsageError(`${(err as Error).message}. Run \`intuit-oauth ${command.name} --help\`.`);
    }
    verbose = parsed.values["verbose"] === true;
    if (parsed.values["help"]) {
      console.log(commandHelp(command));
      return 0;
    }
    const max = command.positionals ?? 0;
    if (parsed.positionals.length > max)
      throw new UsageError(
        `Unexpected argument "${parsed.positionals[max]}". Run \`intuit-oauth ${command.name} --help\`.`,
      );
    return (await command.run(parsed.values, parsed.positionals)) ?? 0;
  } catch (err) {
    console.error(`intuit-oauth: ${describeError(err, verbose)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`intuit-oauth: ${String(err)}`);
    process.exitCode = 1;
  },
);
