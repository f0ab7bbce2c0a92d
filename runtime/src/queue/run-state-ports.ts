/**
 * The run-state feed: every status change of a run that has a user, fanned out to whichever
 * process follows that user (GET /v1/users/{id}/agents/stream). Changes only, never events or
 * tokens; delivery is at-most-once (a follower that reconnects reads the runs' rows for the rest).
 */

/** One status change of a run: the wire `run_state` frame, plus the tenant that scopes it. */
export interface RunStateChange {
  tenant_id: string;
  run_id: string;
  /** The caller's handle of the run. */
  agent_id: string;
  /** The agent's name. */
  agent: string;
  user_id: string;
  parent_agent_id: string | null;
  status: string;
  stop_reason: string | null;
  error: string | null;
  /** When the change happened (RFC 3339). */
  ts: string;
}

export type RunStateListener = (change: RunStateChange) => void;

export interface RunStateFeed {
  /** Publishes a change to the followers of its tenant and user, in every process. Never throws. */
  publish(change: RunStateChange): void;
  /** Calls `listener` for each later change of the tenant's user's runs; returns the unsubscribe function. */
  subscribe(tenantId: string, userId: string, listener: RunStateListener): () => void;
  /**
   * Resolves once changes published from now on reach this process's subscribers of the tenant's
   * user (a remote feed confirms its subscription). Absent = at once.
   */
  ready?(tenantId: string, userId: string): Promise<void>;
  /** Listeners subscribed in this process now (a gauge: back to 0 once every follower left). */
  listenerCount?(): number;
  /** Releases the feed's connections. */
  close?(): Promise<void>;
}
