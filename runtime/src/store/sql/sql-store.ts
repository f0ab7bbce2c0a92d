import { AppError, isAppError } from "../../domain/index.ts";
import type { ParkTarget, Run, RunEvent, RunOutcome, Session, StoredEvent, MemoryBackend, Usage } from "../../domain/index.ts";
import type { GatewayUsage, NewRun, NewSession, RunFilter, Store, UsageFilter, UsageRow, RunAdmission, TenantScopedStore } from "../ports.ts";
import { mapUsageRow } from "./map-usage-row.ts";
import { eventColumns } from "./event-columns.ts";
import { loadSql } from "./load-sql.ts";
import { mapEventRow } from "./map-event-row.ts";
import type { EventRow } from "./map-event-row.ts";
import { mapRunRow } from "./map-run-row.ts";
import type { RunRow } from "./map-run-row.ts";
import { mapSessionRow } from "./map-session-row.ts";
import type { SessionRow } from "./map-session-row.ts";
import type { SqlClient, SqlExecutor } from "./sql-client.ts";
import type { EvaluationStore } from "../evaluation-ports.ts";
import { SqlEvaluationStore } from "./sql-evaluation-store.ts";
import type { HookStore } from "../hook-ports.ts";
import { SqlHookStore } from "./sql-hook-store.ts";
import type { ChannelStore } from "../channel-ports.ts";
import { SqlChannelStore } from "./sql-channel-store.ts";
import type { InterruptStore } from "../interrupt-ports.ts";
import { SqlInterruptStore } from "./sql-interrupt-store.ts";
import { SqlMemoryStore } from "./sql-memory-store.ts";
import type { LimitStore } from "../limit-ports.ts";
import { SqlLimitStore } from "./sql-limit-store.ts";
import { admitRun, quotaApplies, insertRunParams } from "./sql-run-admission.ts";
import type { DefinitionStore } from "../definition-ports.ts";
import { SqlDefinitionStore } from "./sql-definition-store.ts";
import { SqlTenantStore } from "./sql-tenant-store.ts";
import type { TokenStore } from "../token-ports.ts";
import { SqlTokenStore } from "./sql-token-store.ts";
import type { ControlStore } from "../control-ports.ts";
import { SqlControlStore } from "./sql-control-store.ts";
import type { StatsStore } from "../stats-ports.ts";
import { SqlStatsStore } from "./sql-stats-store.ts";
import type { IdempotencyStore } from "../idempotency-ports.ts";
import { SqlIdempotencyStore } from "./sql-idempotency-store.ts";
import type { SnapshotStore } from "../snapshot-ports.ts";
import { SqlSnapshotStore } from "./sql-snapshot-store.ts";
import type { RunInputStore } from "../run-input-ports.ts";
import { SqlRunInputStore } from "./sql-run-input-store.ts";
import type { RuntimeStateStore } from "../runtime-state-ports.ts";
import { SqlRuntimeStateStore } from "./sql-runtime-state-store.ts";

/** listRuns without a limit returns at most this many runs: one page of the runs API. */
const DEFAULT_LIST_LIMIT = 100;

/** What a SqlStore runs on and how it names itself in logs. */
export interface SqlStoreOptions {
  client: SqlClient;
  /** Shown in logs and `doctor`; must not contain credentials. */
  description: string;
}

function onlyRow<T>(rows: readonly T[], query: string): T {
  const row = rows[0];
  if (row === undefined) throw new AppError("INTERNAL", `${query} returned no row`);
  return row;
}

function describeError(error: unknown): string {
  return error instanceof Error && error.message !== "" ? error.message : String(error);
}

/**
 * The Store over any SqlClient: every statement comes from `queries/*.sql`, so the Postgres and
 * PGlite adapters differ only in how they connect. Construct it through createPostgresStore or
 * createPgliteStore, which migrate the schema first.
 */
export class SqlStore implements Store {
  readonly description: string;
  readonly evaluations: EvaluationStore;
  readonly hooks: HookStore;
  readonly channels: ChannelStore;
  readonly interrupts: InterruptStore;
  readonly memory: MemoryBackend;
  readonly limits: LimitStore;
  readonly definitions: DefinitionStore;
  readonly tenantScoped: TenantScopedStore;
  readonly tokens: TokenStore;
  readonly control: ControlStore;
  readonly stats: StatsStore;
  readonly idempotency: IdempotencyStore;
  readonly snapshots: SnapshotStore;
  readonly inputs: RunInputStore;
  readonly runtimeState: RuntimeStateStore;
  private readonly client: SqlClient;

  constructor(options: SqlStoreOptions) {
    this.client = options.client;
    this.description = options.description;
    this.evaluations = new SqlEvaluationStore(options.client);
    this.hooks = new SqlHookStore(options.client);
    this.channels = new SqlChannelStore(options.client);
    this.interrupts = new SqlInterruptStore(options.client);
    this.memory = new SqlMemoryStore(options.client);
    this.limits = new SqlLimitStore(options.client);
    this.definitions = new SqlDefinitionStore(options.client);
    this.tenantScoped = new SqlTenantStore(options.client);
    this.tokens = new SqlTokenStore(options.client);
    this.control = new SqlControlStore(options.client);
    this.stats = new SqlStatsStore(options.client);
    this.idempotency = new SqlIdempotencyStore(options.client);
    this.snapshots = new SqlSnapshotStore(options.client, this.memory);
    this.inputs = new SqlRunInputStore(options.client);
    this.runtimeState = new SqlRuntimeStateStore(options.client);
  }

  async createSession(session: NewSession): Promise<Session> {
    const params = [session.id, session.tenant_id, session.agent, session.user_id];
    const rows = await this.client.query<SessionRow>(loadSql("insert_session"), params);
    return mapSessionRow(onlyRow(rows, "insert_session"));
  }

  async getSession(id: string): Promise<Session | null> {
    const rows = await this.client.query<SessionRow>(loadSql("select_session"), [id]);
    return rows[0] === undefined ? null : mapSessionRow(rows[0]);
  }

  async createRun(run: NewRun, firstEvents: readonly RunEvent[], admission?: RunAdmission): Promise<Run> {
    const params = insertRunParams(run, firstEvents);
    if (admission !== undefined) {
      const input = { tenantId: run.tenant_id, userId: run.user_id, insertRunParams: params, admission };
      // A quota check must count and insert under one lock, and an Idempotency-Key loser must leave no
      // session behind: both need one transaction. Otherwise two plain statements save two round trips.
      const atomic = quotaApplies({ userId: run.user_id, quota: admission.quota }) || run.idempotency_key !== undefined;
      return atomic ? this.client.transaction((tx) => admitRun(tx, input)) : admitRun(this.client, input);
    }
    const rows = await this.client.query<RunRow>(loadSql("insert_run"), params);
    return mapRunRow(onlyRow(rows, "insert_run"));
  }

  getRun(id: string): Promise<Run | null> {
    return this.maybeRun("select_run", [id]);
  }

  getRunByAgentId(agentId: string): Promise<Run | null> {
    return this.maybeRun("select_run_by_agent_id", [agentId]);
  }

  listRuns(filter: RunFilter): Promise<Run[]> {
    return this.runs("list_runs", [filter.user_id ?? null, filter.statuses ?? null, filter.limit ?? DEFAULT_LIST_LIMIT]);
  }


  listActiveRunsInSession(sessionId: string): Promise<Run[]> {
    return this.runs("list_active_runs_in_session", [sessionId]);
  }

  claimRun(runId: string, ownerId: string): Promise<Run | null> {
    return this.maybeRun("claim_run", [runId, ownerId]);
  }

  async finishRun(runId: string, outcome: RunOutcome, finalEvents: readonly StoredEvent[] = []): Promise<boolean> {
    const { usage } = outcome;
    const params = [
      runId,
      outcome.status,
      outcome.stop_reason,
      outcome.error,
      usage.input_tokens,
      usage.output_tokens,
      usage.cache_creation_input_tokens,
      usage.cache_read_input_tokens,
      usage.provider ?? null,
      usage.model ?? null,
    ];
    const rows = await this.client.query<{ id: string }>(loadSql("finish_run"), [...params, ...eventColumns(finalEvents)]);
    return rows.length > 0;
  }

  async heartbeat(ownerId: string, runIds?: readonly string[]): Promise<void> {
    await this.client.query(loadSql("renew_heartbeats"), [ownerId, runIds === undefined ? null : [...runIds]]);
  }

  async parkRun(runId: string, ownerId: string, park: { target: ParkTarget; usage: Usage; finalEvents?: readonly StoredEvent[] }): Promise<boolean> {
    const { usage, finalEvents = [] } = park;
    const params = [runId, ownerId, park.target, usage.input_tokens, usage.output_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens];
    const rows = await this.client.query<{ id: string }>(loadSql("park_run"), [...params, ...eventColumns(finalEvents)]);
    return rows.length > 0;
  }

  async wakeRuns(filter: { from: "paused" | "awaiting_input"; runIds?: readonly string[] }): Promise<string[]> {
    const rows = await this.client.query<{ id: string }>(loadSql("wake_runs"), [filter.from, filter.runIds === undefined ? null : [...filter.runIds]]);
    return rows.map((row) => row.id);
  }

  async requeueStaleRuns(before: Date, maxResumes: number): Promise<string[]> {
    const rows = await this.client.query<{ id: string }>(loadSql("requeue_stale_runs"), [before.toISOString(), maxResumes]);
    return rows.map((row) => row.id);
  }

  async interruptStaleRuns(before: Date, reason: string): Promise<string[]> {
    const rows = await this.client.query<{ id: string }>(loadSql("interrupt_stale_runs"), [before.toISOString(), reason]);
    return rows.map((row) => row.id);
  }

  async usageReport(filter: UsageFilter): Promise<UsageRow[]> {
    const params = [filter.from?.toISOString() ?? null, filter.to?.toISOString() ?? null, filter.tenant_id ?? null];
    const rows = await this.client.query<Record<keyof UsageRow, unknown>>(loadSql("usage_report"), params);
    return rows.map(mapUsageRow);
  }

  async recordGatewayUsage(entry: GatewayUsage): Promise<void> {
    const { usage } = entry;
    await this.client.query(loadSql("insert_gateway_usage"), [
      entry.requestId, entry.tenantId, entry.userId, entry.agent, usage.provider ?? "", usage.model ?? "",
      usage.input_tokens, usage.output_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens,
      usage.cost ?? null, usage.cost_currency ?? null,
    ]);
  }

  async listQueuedRunIds(): Promise<string[]> {
    const rows = await this.client.query<{ id: string }>(loadSql("list_queued_run_ids"));
    return rows.map((row) => row.id);
  }

  appendEvents(events: readonly StoredEvent[]): Promise<void> {
    return this.insertEvents(this.client, events);
  }

  async listRunEvents(runId: string, afterSeq: number): Promise<StoredEvent[]> {
    const rows = await this.client.query<EventRow>(loadSql("list_run_events"), [runId, afterSeq]);
    return rows.map(mapEventRow);
  }

  async listSessionEvents(sessionId: string): Promise<StoredEvent[]> {
    const rows = await this.client.query<EventRow>(loadSql("list_session_events"), [sessionId]);
    return rows.map(mapEventRow);
  }

  async lastSeq(runId: string): Promise<number> {
    const rows = await this.client.query<{ last_seq: number }>(loadSql("select_last_seq"), [runId]);
    return Number(onlyRow(rows, "select_last_seq").last_seq);
  }

  async ping(): Promise<void> {
    try {
      await this.client.query(loadSql("select_one"));
    } catch (error) {
      if (isAppError(error, "STORE_UNAVAILABLE")) throw error;
      throw new AppError("STORE_UNAVAILABLE", `store ${this.description} did not answer: ${describeError(error)}`, {
        cause: error,
        retryable: true,
      });
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async insertEvents(executor: SqlExecutor, events: readonly StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    await executor.query(loadSql("append_events"), eventColumns(events));
  }

  private async maybeRun(query: string, params: readonly unknown[]): Promise<Run | null> {
    const rows = await this.client.query<RunRow>(loadSql(query), params);
    return rows[0] === undefined ? null : mapRunRow(rows[0]);
  }

  private async runs(query: string, params: readonly unknown[]): Promise<Run[]> {
    const rows = await this.client.query<RunRow>(loadSql(query), params);
    return rows.map(mapRunRow);
  }
}
