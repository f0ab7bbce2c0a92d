import { AppError, isAppError } from "../domain/index.ts";
import { doctorCommand } from "./commands/doctor.ts";
import { initCommand } from "./commands/init.ts";
import { runCommand } from "./commands/run.ts";
import { serveCommand } from "./commands/serve.ts";
import { operatorTokenCommand } from "./commands/operator-token.ts";
import { commandHelp, topLevelHelp } from "./help.ts";
import { parseCommandLine } from "./parse-command-line.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./types.ts";
import type { CliDeps, Command } from "./types.ts";
import { RUNTIME_VERSION } from "./version.ts";

/** Every subcommand, in the order help lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, initCommand, doctorCommand, runCommand, operatorTokenCommand];

const HELP_WORDS = new Set(["help", "--help", "-h"]);
const VERSION_WORDS = new Set(["version", "--version", "-v"]);

function findCommand(name: string): Command {
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command !== undefined) return command;
  const names = [...COMMANDS.map((candidate) => candidate.name), "version", "help"].join(", ");
  throw new AppError("INVALID_ARGUMENT", `unknown command "${name}" (commands: ${names}). Run \`loomcycle --help\` for usage.`);
}

async function execute(command: Command, args: readonly string[], deps: CliDeps): Promise<number> {
  const parsed = parseCommandLine(command, args);
  if (parsed === "help") {
    deps.stdout(commandHelp(command));
    return EXIT_OK;
  }
  return command.run({ ...parsed, deps });
}

function dispatch(argv: readonly string[], deps: CliDeps): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || (first.startsWith("-") && !HELP_WORDS.has(first) && !VERSION_WORDS.has(first))) {
    return execute(serveCommand, argv, deps);
  }
  if (HELP_WORDS.has(first)) {
    deps.stdout(rest[0] === undefined ? topLevelHelp(COMMANDS) : commandHelp(findCommand(rest[0])));
    return Promise.resolve(EXIT_OK);
  }
  if (VERSION_WORDS.has(first)) {
    deps.stdout(`loomcycle ${RUNTIME_VERSION}\n`);
    return Promise.resolve(EXIT_OK);
  }
  return execute(findCommand(first), rest, deps);
}

/**
 * The `loomcycle` command line: runs one command and returns its exit code (0 ok, 2 usage or
 * config error, 1 operational failure). Output goes only to `deps.stdout`/`deps.stderr`.
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  try {
    return await dispatch(argv, deps);
  } catch (error) {
    if (isAppError(error, "INVALID_ARGUMENT") || isAppError(error, "CONFIG_INVALID")) {
      deps.stderr(`loomcycle: ${error.message}\n`);
      return EXIT_USAGE;
    }
    deps.stderr(`loomcycle: ✗ ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}
