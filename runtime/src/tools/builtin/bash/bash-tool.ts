import type { Tool, ToolContext, ToolResult, VolumeMount } from "../../tool.ts";
import { assertEnvNames, buildChildEnv } from "./child-env.ts";
import { runCommand, type CommandOutcome } from "./run-command.ts";

/** Default per-call timeout: long enough for a build step, short enough not to stall a run. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Hard ceiling on any timeout, operator default or per call: a tool call must not hold a run for longer. */
export const MAX_TIMEOUT_MS = 600_000;
/** Default output cap: enough for a test report, small enough not to flood the model's context. */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

/** The refusal every call gets while the operator has not enabled Bash. */
export const BASH_DISABLED_MESSAGE = "Bash is disabled by the operator (LOOMCYCLE_BASH_ENABLED)";

/** How the operator configured Bash; `main.ts` fills it from config (never from process.env here). */
export interface BashToolOptions {
  /** LOOMCYCLE_BASH_ENABLED: while false every call is refused. */
  enabled: boolean;
  /** Per-call default timeout, ≤ {@link MAX_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Cap on the combined stdout+stderr kept for the model. */
  maxOutputBytes?: number;
  /** Absolute path of the shell run as `shell -c command`. */
  shell?: string;
  /** Names copied from `env` into the command's environment (everything else is scrubbed). */
  allowedEnv?: readonly string[];
  /** The server's environment, as handed down by config; only `allowedEnv` names are read. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface BashInput {
  command: string;
  timeoutMs: number | undefined;
  volume: string | undefined;
}

const INPUT_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: {
    command: { type: "string", description: "Shell command, run as `bash -c` with cwd = the volume root." },
    timeout_ms: { type: "integer", minimum: 1, maximum: MAX_TIMEOUT_MS, description: "Timeout in milliseconds." },
    timeout_seconds: { type: "number", exclusiveMinimum: 0, maximum: MAX_TIMEOUT_MS / 1000, description: "Timeout in seconds (alias of timeout_ms)." },
    volume: { type: "string", description: "Read-write volume to run in; defaults to the first read-write volume." },
    description: { type: "string", description: "Short note on what the command does (for logs; not executed)." },
  },
  required: ["command"],
  additionalProperties: false,
};

function positiveInteger(value: number | undefined, name: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`Bash ${name} must be an integer in [1, ${max}], got ${value}`);
  return value;
}

/** The per-call timeout from `timeout_ms` or loomcycle's `timeout_seconds`, or the error text. */
function parseTimeout(timeoutMs: unknown, timeoutSeconds: unknown): number | undefined | string {
  if (timeoutMs !== undefined) {
    if (typeof timeoutMs !== "number" || !Number.isInteger(timeoutMs) || timeoutMs < 1) return "Bash: `timeout_ms` must be a positive integer";
    return timeoutMs;
  }
  if (timeoutSeconds === undefined) return undefined;
  if (typeof timeoutSeconds !== "number" || !(timeoutSeconds > 0)) return "Bash: `timeout_seconds` must be a positive number";
  return Math.ceil(timeoutSeconds * 1000);
}

/** Checks the model's input; returns the error text the model should see, or the parsed input. */
function parseInput(input: Record<string, unknown>): BashInput | string {
  const { command, volume } = input;
  if (typeof command !== "string" || command.trim() === "") return "Bash: `command` must be a non-empty string";
  if (command.includes("\0")) return "Bash: `command` must not contain NUL bytes";
  if (volume !== undefined && typeof volume !== "string") return "Bash: `volume` must be a string";
  const timeoutMs = parseTimeout(input["timeout_ms"], input["timeout_seconds"]);
  if (typeof timeoutMs === "string") return timeoutMs;
  return { command, timeoutMs, volume };
}

/** The read-write volume the command runs in, or the refusal text. */
function pickVolume(volumes: readonly VolumeMount[], name: string | undefined): VolumeMount | string {
  if (name === undefined) {
    return volumes.find((volume) => !volume.readOnly) ?? "Bash needs a read-write volume and this run has none";
  }
  const volume = volumes.find((candidate) => candidate.name === name);
  if (volume === undefined) return `Bash: volume ${JSON.stringify(name)} is not available to this run`;
  if (volume.readOnly) return `Bash: volume ${JSON.stringify(name)} is read-only; Bash needs a read-write volume`;
  return volume;
}

/** Renders the outcome for the model: the output, any truncation, then how the command ended. */
function formatOutcome(outcome: CommandOutcome, timeoutMs: number): ToolResult {
  if (outcome.spawnError !== null) return { text: `Bash: could not start the shell: ${outcome.spawnError}`, is_error: true };
  const lines = [outcome.output === "" ? "(no output)" : outcome.output.replace(/\n$/, "")];
  if (outcome.omittedBytes > 0) lines.push(`[output truncated: ${outcome.omittedBytes} more bytes not shown]`);
  if (outcome.killedBy === "timeout") lines.push(`[timed out after ${timeoutMs} ms: process group killed]`);
  else if (outcome.killedBy === "cancel") lines.push("[cancelled: process group killed]");
  else if (outcome.exitCode === null) lines.push(`[terminated by signal ${outcome.exitSignal ?? "unknown"}]`);
  else lines.push(`[exit code: ${outcome.exitCode}]`);
  return { text: lines.join("\n"), is_error: outcome.killedBy !== null || outcome.exitCode !== 0 };
}

/**
 * Bash: runs a shell command for the model, **off by default** (the operator enables it with
 * LOOMCYCLE_BASH_ENABLED).
 *
 * It is *restricted, not sandboxed*: the cwd is jailed to a read-write volume root (HOME too),
 * the environment is scrubbed to a fixed PATH, LANG, TERM and the operator's `allowedEnv`,
 * output is capped, and on timeout, cancel or exit the command's whole process group is
 * SIGKILLed. None of this is a kernel-level sandbox: the command runs as the server's user, can
 * read (and write) anything that user can by absolute path, can reach the network, and a
 * process that calls setsid escapes the group kill. For isolation, run loomcycle in a container
 * or VM whose filesystem holds only what the agents may see.
 */
export function createBashTool(options: BashToolOptions): Tool {
  const defaultTimeoutMs = positiveInteger(options.timeoutMs, "timeoutMs", MAX_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS;
  const maxOutputBytes = positiveInteger(options.maxOutputBytes, "maxOutputBytes", Number.MAX_SAFE_INTEGER) ?? DEFAULT_MAX_OUTPUT_BYTES;
  const shell = options.shell ?? "/bin/bash";
  const allowedEnv = [...(options.allowedEnv ?? [])];
  assertEnvNames(allowedEnv);
  const source = { ...(options.env ?? {}) };

  async function execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    if (!options.enabled) return { text: BASH_DISABLED_MESSAGE, is_error: true };
    const parsed = parseInput(input);
    if (typeof parsed === "string") return { text: parsed, is_error: true };
    const volume = pickVolume(context.policy.volumes, parsed.volume);
    if (typeof volume === "string") return { text: volume, is_error: true };
    if (context.signal.aborted) return { text: "Bash: cancelled before the command started", is_error: true };
    const timeoutMs = Math.min(parsed.timeoutMs ?? defaultTimeoutMs, MAX_TIMEOUT_MS);
    const env = buildChildEnv({ home: volume.root, allowedEnv, source });
    const outcome = await runCommand({ shell, command: parsed.command, cwd: volume.root, env, timeoutMs, maxOutputBytes, signal: context.signal });
    return formatOutcome(outcome, timeoutMs);
  }

  return {
    name: "Bash",
    // A command may have any effect: a call cut off mid-way is reported as interrupted, never re-run.
    idempotent: false,
    description:
      "Run a shell command (bash -c) in a read-write volume: cwd and HOME are the volume root, the environment is minimal, " +
      `stdout and stderr are returned together (capped at ${maxOutputBytes} bytes) with the exit code. ` +
      `Timeout ${defaultTimeoutMs} ms unless timeout_ms says otherwise (max ${MAX_TIMEOUT_MS}); background jobs are killed when the command ends.`,
    inputSchema: INPUT_SCHEMA,
    execute,
  };
}
