import type { SamplingSpec } from "./agent.ts";
import type { CompactionSpec } from "./compaction.ts";
import type { StopReason, Usage } from "./run-event.ts";

/**
 * Run lifecycle: queued → running → completed | failed | cancelled | interrupted. A running run
 * may also PARK: leave its process without ending, as `awaiting_input` (an interactive run
 * between turns) or `paused` (the runtime is paused), or back to `queued` (handed back by a
 * process shutting down). Waking a parked run queues it again; it resumes from its transcript.
 */
export type RunStatus = "queued" | "running" | "awaiting_input" | "paused" | "completed" | "failed" | "cancelled" | "interrupted";

/** Where a run parks: a parked status, or `queued` to be taken by another worker at once. */
export type ParkTarget = "awaiting_input" | "paused" | "queued";

/** Statuses of a parked run: no process holds it; waking it queues it again. */
export const PARKED_STATUSES: ReadonlySet<RunStatus> = new Set(["awaiting_input", "paused"]);

/** Statuses a run never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(["completed", "failed", "cancelled", "interrupted"]);

/** A conversation thread; it holds many runs. */
export interface Session {
  id: string;
  tenant_id: string;
  agent: string;
  user_id: string | null;
  created_at: Date;
}

/** One invocation of the agent loop. Its events live in the event log, keyed by (id, seq). */
export interface Run {
  id: string;
  session_id: string;
  tenant_id: string;
  agent: string;
  /** The caller's tracking handle (cancel, status); generated when the caller gives none. */
  agent_id: string;
  user_id: string | null;
  status: RunStatus;
  stop_reason: StopReason | null;
  error: string | null;
  usage: Usage;
  metadata: Record<string, unknown>;
  /** Caller options the worker applies: the user tier (routing policy) and sampling overrides. */
  options: RunOptions;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  heartbeat_at: Date | null;
  /** The process executing the run, while it runs. */
  owner_id: string | null;
  /** The run that spawned this one (Agent tool), null for a top-level run. */
  parent_run_id: string | null;
  /** The parent run's caller handle (loomcycle's `parent_agent_id`), null for a top-level run. */
  parent_agent_id: string | null;
  /** The top-level run of this run's tree (itself when top-level). */
  root_run_id: string;
  /** How many spawns deep this run is: 0 for a top-level run. */
  depth: number;
  /** When a cancel was requested (durably, on the row); a worker claiming the run cancels it at once. */
  cancel_requested_at?: Date | null;
  /** The run's per-run credentials sealed for the process that resumes it (never plaintext); null when none. */
  sealed_credentials?: string | null;
}

/** Where a sub-agent run sits in its tree; absent for a top-level run. */
export interface RunLineage {
  parent_run_id: string;
  parent_agent_id: string;
  root_run_id: string;
  depth: number;
}

/** Per-run options a caller sets; stored with the run. */
export interface RunOptions {
  user_tier?: string;
  sampling?: SamplingSpec;
  /** Compaction overrides, merged field by field over the agent's policy. */
  compaction?: CompactionSpec;
  /** Narrows the agent's tools (intersection; `[]` = no tools). Never widens. */
  tools?: string[];
  /** Narrows the hosts network tools may reach (`[]` = none). Never widens. */
  allowed_hosts?: string[];
  /**
   * The AgentDef version the run was accepted with (set by the service, never by a caller): the
   * run executes that version, and resumes on it after a crash, even if another is promoted meanwhile.
   */
  agent_def_id?: string;
  /**
   * An interactive run: after each turn it parks at `awaiting_input` instead of finishing, and
   * goes on when input is steered in (POST /v1/runs/{id}/input); a whole-run cancel ends it.
   * Its max_iterations applies per user turn.
   */
  interactive?: boolean;
}

/** A run that left its process without ending: where it parked and its usage so far. */
export interface RunParked {
  status: "parked";
  target: ParkTarget;
  usage: Usage;
}

/** How a run ended, as recorded on its row. */
export interface RunOutcome {
  status: Extract<RunStatus, "completed" | "failed" | "cancelled" | "interrupted">;
  stop_reason: StopReason | null;
  error: string | null;
  usage: Usage;
}
