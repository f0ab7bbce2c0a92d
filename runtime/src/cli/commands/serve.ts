import { agentSummary, roleSummary, storeKind } from "../describe-config.ts";
import { CONFIG_FLAGS, configFlags, loadCliConfig } from "../config-flags.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../types.ts";
import { withAuthEnvFile } from "../auth-env.ts";
import type { Command, CommandInput } from "../types.ts";

async function serve(input: CommandInput): Promise<number> {
  const { deps } = withAuthEnvFile(input.deps, input.values);
  const config = loadCliConfig({ deps, flags: configFlags(input.values) });
  if (config === null) return EXIT_USAGE;
  let runtime: Awaited<ReturnType<typeof deps.startRuntime>>;
  try {
    runtime = await deps.startRuntime(config);
  } catch (error) {
    deps.stderr(`loomcycle: ✗ ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
  deps.stdout(`loomcycle listening on ${runtime.url} · ${agentSummary(config)} · store: ${storeKind(config)}${roleSummary(config)}\n`);
  await deps.waitForShutdown();
  deps.stderr("loomcycle: shutting down\n");
  await runtime.close();
  return EXIT_OK;
}

/** `loomcycle serve` (also plain `loomcycle`): starts the runtime and serves until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: "serve",
  summary: "Run the runtime server: HTTP+SSE API, agent loop and store (the default command)",
  synopsis: "serve [flags]",
  details:
    'Then, in another shell: loomcycle run default "hello"\n' +
    "Loads LOOMCYCLE_AUTH_TOKEN from auth.env beside the config file (written by `loomcycle init --with-token`); the environment wins. " +
    "With no token of any kind it serves in open mode, on a loopback address only.",
  flags: {
    ...CONFIG_FLAGS,
    role: { type: "string", value: "<role>", description: "api (HTTP only), worker (executes queued runs; health and metrics only) or all (default, or LOOMCYCLE_ROLE); api and worker need LOOMCYCLE_REDIS_URL and LOOMCYCLE_DATABASE_URL" },
  },
  positionals: { min: 0, max: 0 },
  run: serve,
};
