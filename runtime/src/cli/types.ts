import type { Config } from "../config/index.ts";

/** A runtime started by the CLI (main.ts builds it): where it listens and how to stop it. */
export interface StartedRuntime {
  url: string;
  close(): Promise<void>;
}

/**
 * Everything the CLI needs from the outside world, injected by main.ts so the CLI never builds
 * adapters and tests can capture output and fake the runtime.
 */
export interface CliDeps {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal: ANSI colour and dimming only then. */
  color: boolean;
  /** The directory `./loomcycle.yaml` and relative paths are resolved against; defaults to process.cwd(). */
  cwd?: string;
  /** Builds and starts the whole runtime (main.ts provides it). Resolves once listening. */
  startRuntime(config: Config): Promise<StartedRuntime>;
  /** Opens the configured store just to check it (doctor). */
  probeStore(config: Config): Promise<{ description: string; close(): Promise<void> }>;
  /** Resolves when SIGINT/SIGTERM arrives (serve waits on it), injectable for tests. */
  waitForShutdown(): Promise<void>;
}

/** The declaration of one flag: parseArgs' type plus what help prints. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  /** The value placeholder in help (`<file>`); string flags only. */
  value?: string;
  description: string;
}

/** A parsed command line for one command. */
export interface CommandInput {
  values: Readonly<Record<string, string | boolean | undefined>>;
  positionals: readonly string[];
  deps: CliDeps;
}

/** One `loomcycle` subcommand: its flags and help, and the function that runs it. */
export interface Command {
  name: string;
  summary: string;
  /** The synopsis after `loomcycle `, e.g. `run <agent> "<prompt>" [flags]`. */
  synopsis: string;
  /** Extra help paragraphs (examples, behaviour). */
  details?: string;
  flags: Readonly<Record<string, FlagSpec>>;
  /** How many positionals the command takes. */
  positionals: { min: number; max: number };
  run(input: CommandInput): Promise<number>;
}

/** Exit code: the command did what was asked. */
export const EXIT_OK = 0;
/** Exit code: an operational failure (run error, unreachable store, file already there), as in loomcycle. */
export const EXIT_FAILURE = 1;
/** Exit code: a usage or configuration error the user fixes on the command line or in the config, as in loomcycle. */
export const EXIT_USAGE = 2;
