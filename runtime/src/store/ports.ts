import type { ParkTarget, Run, RunEvent, RunLineage, RunOptions, RunOutcome, RunStatus, Session, StoredEvent, MemoryBackend, RunQuota, Usage } from "../domain/index.ts";
import type { EvaluationStore } from "./evaluation-ports.ts";
import type { HookStore } from "./hook-ports.ts";
import type { ChannelStore } from "./channel-ports.ts";
import type { InterruptStore } from "./interrupt-ports.ts";
import type { DefinitionStore } from "./definition-ports.ts";
import type { LimitStore } from "./limit-ports.ts";
import type { TokenStore } from "./token-ports.ts";
import type { ControlStore } from "./control-ports.ts";
import type { StatsStore } from "./stats-ports.ts";
import type { IdempotencyStore } from "./idempotency-ports.ts";
import type { SnapshotStore } from "./snapshot-ports.ts";
import type { RunInputStore } from "./run-input-ports.ts";
import type { RuntimeStateStore } from "./runtime-state-ports.ts";

/**
 * Storage ports the core uses. No driver type leaks through them; every adapter (Postgres via
 * `pg`, embedded via PGlite) passes the same contract suite.
 */

export interface NewSession {
  id: string;
  tenant_id: string;
  agent: string;
  user_id: string | null;
}

export interface NewRun {
  id: string;
  session_id: string;
  tenant_id: string;
  agent: string;
  agent_id: string;
  user_id: string | null;
  metadata: Record<string, unknown>;
  options?: RunOptions;
  /** Set for a sub-agent run; absent = a top-level run (its own root, depth 0). */
  lineage?: RunLineage;
  /** The caller's Idempotency-Key: unique per tenant (a duplicate fails the insert). */
  idempotency_key?: string;
  /** The run's per-run credentials, sealed (service/sealed-credentials.ts); absent = none stored. */
  sealed_credentials?: string;
}

/** What a top-level run's creation is admitted under (RunStore.createRun). */
export interface RunAdmission {
  /** A new session to write in the run's transaction; absent = the run continues an existing session. */
  session?: NewSession;
  /** Concurrency quotas (0 = unlimited) counting the tenant's/user's queued and running top-level runs. */
  quota?: RunQuota;
}

export interface RunFilter {
  user_id?: string;
  statuses?: readonly RunStatus[];
  limit?: number;
}

/** One aggregated row of the usage ledger. */
export interface UsageRow {
  tenant_id: string;
  user_id: string | null;
  agent: string;
  provider: string;
  model: string;
  cost_currency: string | null;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost: number | null;
  unpriced_calls: number;
}

/** One LLM gateway call for the usage ledger (no run; `requestId` stands in for the run id). */
export interface GatewayUsage {
  requestId: string;
  tenantId: string;
  userId: string | null;
  /** The ledger's agent column for gateway calls (e.g. `llm_gateway`). */
  agent: string;
  usage: Usage;
}

export interface UsageFilter {
  from?: Date;
  to?: Date;
  tenant_id?: string;
}

export interface RunStore {
  createSession(session: NewSession): Promise<Session>;
  getSession(id: string): Promise<Session | null>;
  /**
   * Inserts a run with status `queued` together with its first events (seq 1…n), atomically.
   * With `admission`, the new session (if any) is written in the same transaction, and the
   * concurrency quotas are checked there, serialized per tenant/user across processes: a run
   * over quota throws PER_USER_QUOTA_EXHAUSTED / PER_TENANT_QUOTA_EXHAUSTED and writes nothing.
   */
  createRun(run: NewRun, firstEvents: readonly RunEvent[], admission?: RunAdmission): Promise<Run>;
  getRun(id: string): Promise<Run | null>;
  /** The newest run carrying this caller handle. */
  getRunByAgentId(agentId: string): Promise<Run | null>;
  listRuns(filter: RunFilter): Promise<Run[]>;
  /** The session's runs that have not finished. */
  listActiveRunsInSession(sessionId: string): Promise<Run[]>;
  /** queued → running, claimed by `ownerId`. Returns null when the run was not queued. */
  claimRun(runId: string, ownerId: string): Promise<Run | null>;
  /**
   * Records the outcome of a run and, in the same transaction, appends its final events (the
   * terminal `done`/`error`), so a stream never sees `done` on a run the store still calls
   * running. Only a running or queued run changes; returns whether it did.
   */
  finishRun(runId: string, outcome: RunOutcome, finalEvents?: readonly StoredEvent[]): Promise<boolean>;
  /** Renews the heartbeat of the running runs this owner holds; with `runIds`, only of those (the runs it still executes). */
  heartbeat(ownerId: string, runIds?: readonly string[]): Promise<void>;
  /**
   * Puts running runs whose heartbeat is older than `before`, and that were resumed fewer than
   * `maxResumes` times, back in `queued` so a worker resumes them. Returns their ids.
   */
  requeueStaleRuns(before: Date, maxResumes: number): Promise<string[]>;
  /**
   * Parks a running run this owner holds: it leaves the owner without ending, as `target`
   * (`queued` = for another worker at once), with its usage so far and its last events appended
   * in the same statement. False when the owner no longer holds the run running.
   */
  parkRun(runId: string, ownerId: string, park: { target: ParkTarget; usage: Usage; finalEvents?: readonly StoredEvent[] }): Promise<boolean>;
  /** Moves parked runs in status `from` (only `runIds`, when given) back to `queued`; returns their ids. */
  wakeRuns(filter: { from: "paused" | "awaiting_input"; runIds?: readonly string[] }): Promise<string[]>;
  /**
   * Marks running runs whose heartbeat is older than `before` as interrupted, appending an
   * `error` event to each. Returns the interrupted run ids.
   */
  interruptStaleRuns(before: Date, reason: string): Promise<string[]>;
  /** The usage ledger aggregated per tenant, user, agent, provider, model and currency. */
  usageReport(filter: UsageFilter): Promise<UsageRow[]>;
  /** Writes one LLM gateway call (no run row) into the usage ledger. */
  recordGatewayUsage(entry: GatewayUsage): Promise<void>;
  /** Ids of queued runs, oldest first (re-enqueued at start-up). */
  listQueuedRunIds(): Promise<string[]>;
}

/**
 * The one tenant-scoped accessor for runs and sessions (`Store.tenantScoped`). Every caller-facing
 * read goes through it: each method puts the tenant in the SQL WHERE, so a row of another tenant
 * reads exactly like a missing one (null, or absent from a list) and no handler needs its own check.
 * The unscoped RunStore reads stay for the runtime's own work (workers, recovery, lineage).
 */
export interface TenantScopedStore {
  getRun(tenantId: string, runId: string): Promise<Run | null>;
  /** The tenant's newest run carrying this caller handle (handles are per tenant). */
  getRunByAgentId(tenantId: string, agentId: string): Promise<Run | null>;
  /** The tenant's run created with this Idempotency-Key. */
  getRunByIdempotencyKey(tenantId: string, key: string): Promise<Run | null>;
  getSession(tenantId: string, sessionId: string): Promise<Session | null>;
  /** The tenant's runs matching the filter, newest first. */
  listRuns(tenantId: string, filter: RunFilter): Promise<Run[]>;
}

export interface EventLog {
  /** Appends events with the given seqs in one write; a duplicate (run_id, seq) fails the batch. */
  appendEvents(events: readonly StoredEvent[]): Promise<void>;
  /** A run's events with seq > afterSeq, in seq order. */
  listRunEvents(runId: string, afterSeq: number): Promise<StoredEvent[]>;
  /** Every event of every run of a session, in the order they happened. */
  listSessionEvents(sessionId: string): Promise<StoredEvent[]>;
  /** The highest seq of a run (0 when it has none). */
  lastSeq(runId: string): Promise<number>;
}

/** The whole store: both ports, readiness, and shutdown. */
export interface Store extends RunStore, EventLog {
  /** Resolves when the store answers a trivial query; throws STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** A human description for logs and `doctor`, never containing credentials. */
  readonly description: string;
  /** Scoped key-value and vector memory (the Memory tool and /v1/_memory). */
  readonly memory: MemoryBackend;
  /** Evaluations of runs (the Evaluation tool and the runs' evaluations routes). */
  readonly evaluations: EvaluationStore;
  /** Tool-use hooks registered per tenant. */
  readonly hooks: HookStore;
  /** Channels: declarations, messages and subscriber cursors. */
  readonly channels: ChannelStore;
  /** Human-in-the-loop interruptions (the Interruption tool and the interrupts routes). */
  readonly interrupts: InterruptStore;
  /** The definition substrate: versioned, content-addressed, tenant-scoped definitions of every kind. */
  readonly definitions: DefinitionStore;
  /** Runs and sessions as one tenant sees them: every caller-facing by-id read goes through this. */
  readonly tenantScoped: TenantScopedStore;
  /** Per-principal bearer tokens (salted hashes only). */
  readonly tokens: TokenStore;
  /** Monthly token budgets and their month-to-date usage (/v1/_limits, run admission). */
  readonly limits: LimitStore;
  /** Durable cancel requests on run rows (the control backplane's source of truth). */
  readonly control: ControlStore;
  /** Cluster-wide run counts and lease age for the autoscaling metrics. */
  readonly stats: StatsStore;
  /** Idempotency-Key lookups that honour the retention, and the retention sweep. */
  readonly idempotency: IdempotencyStore;
  /** Snapshots: capture and idempotent restore of every section, and the stored snapshots (/v1/_snapshots). */
  readonly snapshots: SnapshotStore;
  /** Steered input of runs (POST /v1/runs/{id}/input), durable before the run is told. */
  readonly inputs: RunInputStore;
  /** The cluster-wide runtime state (pause/resume), one row every process shares. */
  readonly runtimeState: RuntimeStateStore;
}
