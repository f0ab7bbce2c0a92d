/**
 * The port the Agent tool reaches the application through: the service implements it (it owns
 * runs, lineage and cancel), the tool only speaks the model's wire format.
 */

/** One child to run: a configured agent's name and the prompt it starts with. */
export interface ChildSpec {
  name: string;
  prompt: string;
}

/** How one child ended. A failed, cancelled or unknown child is `ok: false` with the reason. */
export interface ChildOutcome {
  ok: boolean;
  /** The child's final text (the text after its last tool result); "" when it did not complete. */
  output: string;
  error: string | null;
  /** The child's caller handle: deterministic from (parent run, tool call, index). */
  agent_id: string;
  /** The child's run, or null when none was started (unknown agent, parent cancelled). */
  run_id: string | null;
}

/** A spawn of one or more children from a running tool call. */
export interface SpawnRequest {
  /** The calling run and the tool call's id (stable when a crashed run re-executes the call). */
  parent: { runId: string; callId: string };
  children: readonly ChildSpec[];
  /** The hosts the parent run may reach: the children inherit them, so they can only narrow. */
  allowedHosts: readonly string[];
  /** The parent run's signal: when it aborts, every child still going is cancelled. */
  signal: AbortSignal;
}

export interface SubAgentPort {
  /**
   * Runs the children, at most the parent agent's `max_concurrent_children` at once, and returns
   * their outcomes index-aligned. A child's failure stays in its outcome; the promise rejects
   * (with an AppError saying why) only when the spawn as a whole is refused, e.g. at the depth cap.
   */
  spawn(request: SpawnRequest): Promise<ChildOutcome[]>;
}
