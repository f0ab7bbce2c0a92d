import type { RunCredentials, RunEvent } from "../domain/index.ts";

/**
 * THE tool port. A tool validates its own input and reports failures as data (`is_error`),
 * never by throwing at the loop: the model can read and fix a tool error.
 */

/** A filesystem root a run may use: a configured volume, resolved to an absolute, real path. */
export interface VolumeMount {
  name: string;
  /** Absolute real path (symlinks resolved) of the root. */
  root: string;
  readOnly: boolean;
}

/**
 * The sandbox of one run: what the operator enabled, narrowed by the agent and then by the
 * caller (never widened). Tools enforce it; the service computes it.
 */
export interface ToolPolicy {
  /** Filesystem roots this run may touch; empty = no filesystem access. */
  volumes: readonly VolumeMount[];
  /** Hosts network tools may reach ("*" = any public host); empty = no network. */
  allowedHosts: readonly string[];
  /** Hosts the operator allows even though they resolve to private addresses. */
  privateHosts: readonly string[];
}

/** What a tool knows about the run calling it. */
export interface ToolContext {
  runId: string;
  sessionId: string;
  tenantId: string;
  agent: string;
  agentId: string;
  userId: string | null;
  /** The id of the tool call being executed (the model's tool_use id): stable across a resumed run, so a tool can make its side effects idempotent. */
  callId: string;
  /**
   * `run_id:call_id`: the same for every execution of this call, including a re-run after the
   * run resumed (crash or forced park). A tool declared `idempotent` that has side effects keys
   * them on it (the call id is the model's tool_use id, stored in the transcript).
   */
  idempotencyKey?: string;
  /** Appends an event to the run's log (stored, then streamed), e.g. `interruption_pending`. */
  emit(event: RunEvent): void;
  /** Names of the tools this run may call. */
  tools: readonly string[];
  signal: AbortSignal;
  /** Asks the loop to compact the context at the next iteration boundary (Context op=compact). */
  requestCompaction(): void;
  /** The run's sandbox: volumes and network allowlists. */
  policy: ToolPolicy;
  /** The caller's per-run credentials (`user_bearer`, `user_credentials`); process memory only. The loop masks their values in results. */
  secrets?: RunCredentials;
}

export interface ToolResult {
  text: string;
  is_error: boolean;
}

export interface Tool {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input object, sent to the model. */
  readonly inputSchema: Record<string, unknown>;
  /**
   * Whether a call may run again when its run resumes after the call started but never reported
   * a result (its process died, or the run was parked at once): true when running it twice has
   * the effect of running it once (reads, overwrites, effects keyed by `idempotencyKey`). A
   * function decides per input, for tools whose ops differ. Absent = false: on resume the model
   * gets an error result saying the call was interrupted and may or may not have taken effect.
   */
  readonly idempotent?: boolean | ((input: Record<string, unknown>) => boolean);
  execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}
