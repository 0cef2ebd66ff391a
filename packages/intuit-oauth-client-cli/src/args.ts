// A command's options: their declaration (which also writes the help), and parsing argv against
// them into flags, with our own messages and a did-you-mean. node:util's parseArgs only tokenizes:
// its error texts never reach the user. Runs nothing and prints nothing.
import { parseArgs } from "node:util";
import { UsageError, type Flags } from "./errors.js";
import { closest } from "./suggest.js";

/** One option a command accepts; the help text is made from these, so it lists exactly them. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** The value's placeholder in help and usage (`ID`, `N`); string options only. */
  value?: string;
  /** What it does, for the help text. */
  help: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** `--realm ID` / `-v, --verbose`: how an option is written. */
export function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/** The aligned `Options:` block of a command's help. */
export function optionsHelp(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => [optionLabel(name, spec), spec.help] as const);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows
    .map(([label, help]) => {
      const [first = "", ...more] = help.split("\n");
      return [`  ${label.padEnd(width)}${first}`, ...more.map((l) => `  ${" ".repeat(width)}${l}`)].join(
        "\n",
      );
    })
    .join("\n");
}

export interface ParsedArgs {
  flags: Flags;
  positionals: string[];
}

export interface ParseContext {
  /** The command being parsed, for messages. */
  command: string;
  specs: OptionSpecs;
  /** Most positional arguments accepted. */
  maxPositionals: number;
  /** Which other commands take an option this one does not: for "it is an option of login". */
  elsewhere?: (option: string) => string[];
}

/** Parses a command's arguments. Every mistake is a {@link UsageError} naming the option. */
export function parseCommandArgs(args: string[], context: ParseContext): ParsedArgs {
  const { command, specs } = context;
  const more = ` Run \`intuit-oauth-client-cli ${command} --help\` for its options.`;
  const { tokens } = parseArgs({
    args,
    options: Object.fromEntries(
      Object.entries(specs).map(([name, s]) => [
        name,
        s.short ? { type: s.type, short: s.short } : { type: s.type },
      ]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const flags: Flags = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      if (positionals.length >= context.maxPositionals)
        throw new UsageError(
          context.maxPositionals === 0
            ? `\`${command}\` takes no arguments, but got "${token.value}".${more}`
            : `Unexpected extra argument "${token.value}".${more}`,
        );
      positionals.push(token.value);
      continue;
    }
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
    if (!spec) throw new UsageError(unknownOption(token.rawName, token.name, context) + more);
    const label = `--${token.name}`;
    if (spec.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`${label} takes no value.${more}`);
      flags[token.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith("-")))
      throw new UsageError(
        `${label} needs a value (${optionLabel(token.name, spec)})` +
          (value === undefined || /^--?[a-z]/i.test(value)
            ? "."
            : `; for a value starting with "-", write ${label}=${value}.`),
      );
    flags[token.name] = value;
  }
  return { flags, positionals };
}

function unknownOption(raw: string, name: string, context: ParseContext): string {
  const owners = raw.startsWith("--") ? (context.elsewhere?.(name) ?? []) : [];
  if (owners.length > 0)
    return `\`${context.command}\` does not take --${name} (an option of ${owners.join(", ")}).`;
  const guess = raw.startsWith("--") ? closest(name, Object.keys(context.specs)) : undefined;
  return `Unknown option "${raw}" for \`${context.command}\`.${guess ? ` Did you mean "--${guess}"?` : ""}`;
}
