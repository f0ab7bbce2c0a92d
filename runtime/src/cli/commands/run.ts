import type { Config } from "../../config/index.ts";
import { styles } from "../ansi.ts";
import { configFlags, loadCliConfig } from "../config-flags.ts";
import { TranscriptPrinter } from "../print-event.ts";
import { streamRun } from "../stream-run.ts";
import { bearerFrom, withAuthEnvFile } from "../auth-env.ts";
import type { StreamOutcome } from "../stream-run.ts";
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "../types.ts";
import type { CliDeps, Command, CommandInput } from "../types.ts";

interface RunContext {
  deps: CliDeps;
  agent: string;
  prompt: string;
  session: string | undefined;
  printer: TranscriptPrinter;
}

function stringFlag(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === "string" ? value : undefined;
}

async function run(given: CommandInput): Promise<number> {
  const input = { ...given, deps: withAuthEnvFile(given.deps, given.values).deps };
  const { deps } = input;
  const [agent = "", prompt = ""] = input.positionals;
  const target = resolveTarget(input);
  if (target === null) return EXIT_USAGE;
  const { config, baseUrl } = target;
  const printer = new TranscriptPrinter({ stdout: deps.stdout, stderr: deps.stderr, color: deps.color, json: input.values["json"] === true });
  const context: RunContext = { deps, agent, prompt, session: stringFlag(input, "session"), printer };
  const outcome = await send({ context, baseUrl });
  if (outcome.kind !== "unreachable") return finish({ context, outcome });
  if (config === null) {
    deps.stderr(`${styles(deps.color).red("✗")} no server at ${baseUrl} (connection refused): start one with loomcycle serve, or leave out --base-url to run embedded\n`);
    return EXIT_FAILURE;
  }
  return runEmbedded({ context, config, baseUrl });
}

/** `--base-url` as given (no config needed), else the config's base URL; null when the config is invalid. */
function resolveTarget(input: CommandInput): { config: Config | null; baseUrl: string } | null {
  const explicitUrl = stringFlag(input, "base-url");
  if (explicitUrl !== undefined) return { config: null, baseUrl: explicitUrl };
  const config = loadCliConfig({ deps: input.deps, flags: configFlags(input.values) });
  return config === null ? null : { config, baseUrl: config.baseUrl };
}

function send(options: { context: RunContext; baseUrl: string }): Promise<StreamOutcome> {
  const { context } = options;
  return streamRun({
    baseUrl: options.baseUrl,
    agent: context.agent,
    prompt: context.prompt,
    session: context.session,
    token: bearerFrom(context.deps.env),
    onEvent: (event, data) => (context.printer.handle(event, data) === "running" ? "continue" : "stop"),
  });
}

/** No server at the configured URL: start the runtime in this process on an ephemeral port, run, stop it. */
async function runEmbedded(options: { context: RunContext; config: Config; baseUrl: string }): Promise<number> {
  const { context, config } = options;
  const { deps } = context;
  const quiet = config.logLevel === "info" ? "warn" : config.logLevel;
  let runtime: Awaited<ReturnType<CliDeps["startRuntime"]>>;
  try {
    // The one-off runtime executes its run itself, whatever LOOMCYCLE_ROLE says.
    const cluster = config.cluster === undefined ? {} : { cluster: { ...config.cluster, role: "all" as const } };
    runtime = await deps.startRuntime({ ...config, ...cluster, listen: { host: "127.0.0.1", port: 0 }, logLevel: quiet });
  } catch (error) {
    deps.stderr(`${styles(deps.color).red("✗")} ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
  try {
    const outcome = await send({ context, baseUrl: runtime.url });
    return finish({ context, outcome });
  } finally {
    await runtime.close();
    deps.stderr(`${styles(deps.color).dim(`(no server at ${options.baseUrl}; ran embedded)`)}\n`);
  }
}

function finish(options: { context: RunContext; outcome: StreamOutcome }): number {
  const { deps, printer } = options.context;
  const { outcome } = options;
  const cross = styles(deps.color).red("✗");
  printer.endLine();
  if (outcome.kind === "http-error") {
    deps.stderr(`${cross} ${outcome.code}: ${outcome.error}\n`);
    if (outcome.status === 401) deps.stderr("  the server requires a token: set LOOMCYCLE_AUTH_TOKEN (or put it in auth.env beside loomcycle.yaml)\n");
    return outcome.status === 400 ? EXIT_USAGE : EXIT_FAILURE;
  }
  if (printer.progress === "done") return EXIT_OK;
  if (printer.progress === "running") {
    const reattach = printer.runId === null ? "" : `; re-attach with GET /v1/runs/${printer.runId}/stream`;
    deps.stderr(`${cross} the stream ended before the run finished${reattach}\n`);
  }
  return EXIT_FAILURE;
}

/** `loomcycle run <agent> "<prompt>"`: streams one run readably from the running server, or runs embedded when none answers. */
export const runCommand: Command = {
  name: "run",
  summary: "Run an agent once and stream its transcript (uses the running server, else runs embedded)",
  synopsis: 'run <agent> "<prompt>" [flags]',
  details: [
    "Prints text as it streams, thinking dimmed, → for each tool call, ← for each result, and a done line.",
    "Without --base-url it uses LOOMCYCLE_BASE_URL or the configured listen address; if nothing listens",
    "there, it starts the runtime in this process for the one run. Exit: 0 done, 1 run error, 2 bad request.",
  ].join("\n"),
  flags: {
    "base-url": { type: "string", value: "<url>", description: "server to use (default LOOMCYCLE_BASE_URL, else http://<listen address>); no embedded fallback" },
    session: { type: "string", value: "<id>", description: "continue this session (POST /v1/sessions/<id>/messages; its agent is kept)" },
    json: { type: "boolean", description: "print each event as one JSON line instead of the transcript" },
    config: { type: "string", value: "<file>", description: "loomcycle.yaml to read (for the base URL and an embedded run)" },
    "data-dir": { type: "string", value: "<dir>", description: "data dir of an embedded run" },
    "agents-dir": { type: "string", value: "<dir>", description: "agents directory of an embedded run" },
  },
  positionals: { min: 2, max: 2 },
  run,
};
