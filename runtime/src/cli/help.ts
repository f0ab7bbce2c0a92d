import { CONFIG_FLAGS } from "./config-flags.ts";
import type { Command, FlagSpec } from "./types.ts";
import { RUNTIME_VERSION } from "./version.ts";

const HELP_FLAG: FlagSpec = { type: "boolean", short: "h", description: "show this help" };

function flagLabel(name: string, flag: FlagSpec): string {
  const short = flag.short === undefined ? "    " : `-${flag.short}, `;
  const value = flag.value === undefined ? "" : ` ${flag.value}`;
  return `${short}--${name}${value}`;
}

/** Lines `  --name <value>   description`, aligned, for a set of flags. */
export function formatFlags(flags: Readonly<Record<string, FlagSpec>>): string {
  const rows = Object.entries(flags).map(([name, flag]) => [flagLabel(name, flag), flag.description] as const);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, description]) => `  ${label.padEnd(width)}   ${description}`).join("\n");
}

/** The usage of one command: synopsis, summary, every flag, and any details. */
export function commandHelp(command: Command): string {
  const sections = [
    `Usage: loomcycle ${command.synopsis}`,
    command.summary,
    `Flags:\n${formatFlags({ ...command.flags, help: HELP_FLAG })}`,
  ];
  if (command.details !== undefined) sections.push(command.details);
  return `${sections.join("\n\n")}\n`;
}

/** The top-level usage: every command, the server's flags (the default command) and the global flags. */
export function topLevelHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length), "version".length);
  const list = [
    ...commands.map((command) => `  ${command.name.padEnd(width)}   ${command.summary}`),
    `  ${"version".padEnd(width)}   Print the runtime version`,
    `  ${"help".padEnd(width)}   Show the help of a command (loomcycle help <command>)`,
  ];
  const globalFlags: Record<string, FlagSpec> = {
    help: { type: "boolean", short: "h", description: "show help (also after any command)" },
    version: { type: "boolean", short: "v", description: "print the runtime version" },
  };
  return `${[
    `loomcycle ${RUNTIME_VERSION}: the agent runtime. Serves agents over HTTP+SSE; runs them once from the shell.`,
    "Usage: loomcycle [command] [flags]        (no command: serve)",
    `Commands:\n${list.join("\n")}`,
    `Server flags (loomcycle, loomcycle serve; doctor reads the same):\n${formatFlags(CONFIG_FLAGS)}`,
    `Global flags:\n${formatFlags(globalFlags)}`,
    "Run `loomcycle <command> --help` for a command's flags. Environment variables (LOOMCYCLE_LISTEN_ADDR,\nLOOMCYCLE_DATA_DIR, LOOMCYCLE_DATABASE_URL, LOOMCYCLE_BASE_URL, LOOMCYCLE_LOG_LEVEL…) are loomcycle's.",
  ].join("\n\n")}\n`;
}
