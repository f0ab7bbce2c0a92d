import { parseArgs } from "node:util";
import { AppError } from "../domain/index.ts";
import type { Command, CommandInput } from "./types.ts";

/** The parsed flags and positionals of one command line, or `help` when -h/--help was given. */
export type ParsedCommandLine = Pick<CommandInput, "values" | "positionals"> | "help";

function usageError(command: Command, problem: string): AppError {
  return new AppError("INVALID_ARGUMENT", `${command.name}: ${problem}. Run \`loomcycle ${command.name} --help\` for its usage.`);
}

function knownFlags(command: Command): string {
  return [...Object.keys(command.flags), "help"].map((name) => `--${name}`).join(", ");
}

/** Explains a parseArgs failure in terms of this command's flags. */
function explain(command: Command, error: unknown): AppError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? "?";
    return usageError(command, `unknown flag ${flag} (its flags: ${knownFlags(command)})`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return usageError(command, message.replace(/\.$/, ""));
  return usageError(command, message.split("\n")[0]?.replace(/\.$/, "") ?? "bad arguments");
}

/** Parses `args` against the command's flags (strict); a usage problem throws AppError("INVALID_ARGUMENT"). */
export function parseCommandLine(command: Command, args: readonly string[]): ParsedCommandLine {
  const options = { ...command.flags, help: { type: "boolean" as const, short: "h" } };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    if (args.includes("--help") || args.includes("-h")) return "help";
    throw explain(command, error);
  }
  if (parsed.values["help"] === true) return "help";
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min) throw usageError(command, `expected ${command.synopsis.replace(/^\S+\s*/, "").replace(/\s*\[.*$/, "")}`);
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).map((value) => JSON.stringify(value)).join(" ");
    throw usageError(command, `unexpected argument ${extra}${max > 0 ? " (quote the prompt)" : ""}`);
  }
  return { values: parsed.values as CommandInput["values"], positionals: parsed.positionals };
}
