/** A run a cancel request was recorded on, with the process executing it (null while queued). */
export interface CancelMark {
  id: string;
  agent_id: string;
  status: "queued" | "running" | "awaiting_input" | "paused";
  owner_id: string | null;
}

/**
 * The durable half of the control backplane (migration 0016): cancel requests live on the run
 * row, so a notice lost on the way (dropped LISTEN connection, a run still queued) is honoured
 * when the owner resynchronises or a worker claims the run.
 */
export interface ControlStore {
  /** Marks the run and its unfinished descendants in one statement; returns the marked runs, parents first. */
  requestCancel(runId: string, reason: string | null): Promise<CancelMark[]>;
  /** Ids of the running runs `ownerId` executes that have a cancel request. */
  cancelRequested(ownerId: string): Promise<string[]>;
  /** The ids among `runIds` of runs still queued or running. */
  unfinished(runIds: readonly string[]): Promise<string[]>;
}
