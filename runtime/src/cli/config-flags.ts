import { AppError, isAppError } from "../domain/index.ts";
import { loadConfig } from "../config/index.ts";
import type { Config, ConfigFlags } from "../config/index.ts";
import type { CliDeps, CommandInput, FlagSpec } from "./types.ts";

/** The flags every config-reading command shares (serve, doctor, run). */
export const CONFIG_FLAGS: Readonly<Record<string, FlagSpec>> = {
  config: { type: "string", value: "<file>", description: "loomcycle.yaml to read (default: ./loomcycle.yaml, then $XDG_CONFIG_HOME/loomcycle/, then ~/.config/loomcycle/)" },
  port: { type: "string", value: "<n>", description: "port to listen on (default 8787, or LOOMCYCLE_LISTEN_ADDR)" },
  host: { type: "string", value: "<host>", description: "address to listen on (default 127.0.0.1)" },
  "data-dir": { type: "string", value: "<dir>", description: "where the embedded store lives (default ~/.local/share/loomcycle, or LOOMCYCLE_DATA_DIR)" },
  "agents-dir": { type: "string", value: "<dir>", description: "directory of <name>.md agents (default: agents/ beside the config file, or LOOMCYCLE_AGENTS_ROOT)" },
};

const MAX_PORT = 65_535;

function stringValue(values: CommandInput["values"], name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** Maps parsed flags to loadConfig's flags; a malformed `--port` is a usage error (exit 2). */
export function configFlags(values: CommandInput["values"]): ConfigFlags {
  const port = stringValue(values, "port");
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > MAX_PORT)) {
    throw new AppError("INVALID_ARGUMENT", `--port: expected a port number between 0 and ${MAX_PORT}, got ${JSON.stringify(port)}`);
  }
  return {
    config: stringValue(values, "config"),
    port: port === undefined ? undefined : Number(port),
    host: stringValue(values, "host"),
    dataDir: stringValue(values, "data-dir"),
    agentsDir: stringValue(values, "agents-dir"),
    role: stringValue(values, "role"),
  };
}

/** The `cwd` option for loadConfig: the injected one, when given. */
export function cwdOf(deps: CliDeps): { cwd?: string } {
  return deps.cwd === undefined ? {} : { cwd: deps.cwd };
}

/** Loads the config for a command; on CONFIG_INVALID prints its message and returns null (the caller exits 2). */
export function loadCliConfig(options: { deps: CliDeps; flags: ConfigFlags }): Config | null {
  try {
    return loadConfig({ env: options.deps.env, flags: options.flags, ...cwdOf(options.deps) });
  } catch (error) {
    if (!isAppError(error, "CONFIG_INVALID")) throw error;
    options.deps.stderr(`loomcycle: ${error.message}\n`);
    return null;
  }
}
