import { AppError, TERMINAL_STATUSES, newId } from "../domain/index.ts";
import type { Agent, Run, RunCredentials, RunEvent, RunLineage, Segment, Session, StoredEvent } from "../domain/index.ts";
import type { NewRun } from "../store/index.ts";
import type { ModelRef } from "../config/index.ts";
import { compactFinishedRun } from "./compact-run.ts";
import type { CompactRunResult } from "./compact-run.ts";
import { resolveCandidates, supportsVision } from "./model-router.ts";
import type { ContinueSessionRequest, ServiceDeps, StartRunRequest } from "./types.ts";
import { streamRunEvents } from "./stream-run-events.ts";
import { RunSecrets } from "./run-secrets.ts";
import { BudgetService } from "./budget-service.ts";
import { newRunRecord } from "./new-run-record.ts";
import { reserveQueueSlot, runAdmission } from "./quota-admission.ts";
import { earlierIdempotentRun } from "./idempotent-start.ts";
import { RunControl } from "./run-control.ts";
import { RunParking } from "./run-parking.ts";
import { sealCredentials } from "./sealed-credentials.ts";
import { RunSteering } from "./run-input.ts";
import { RunStates } from "./run-states.ts";
import { RuntimeGate } from "./runtime-gate.ts";

/** The tenant every run belongs to until multi-tenant auth arrives. */
const DEFAULT_TENANT = "default";

/** A finished run and the text of its last turn. */
export interface RunResult {
  run: Run;
  finalText: string;
}

/** What a cancel did: whether the run itself was stopped, and the descendants it cascaded to. */
export interface CancelResult {
  cancelled: boolean;
  run: Run;
  /** agent_ids of the unfinished sub-agent runs (recursively) that were cancelled with it. */
  cascaded: string[];
  /**
   * Every running run it reached was aborted here or acknowledged by the process executing it
   * (or has finished since) within the ack timeout. Queued runs need no acknowledgement: the
   * cancel is on their row, so the worker that claims them cancels them.
   */
  acknowledged: boolean;
}

/** A run plus whether this process is executing it right now. */
export interface RunView {
  run: Run;
  live: boolean;
}

/**
 * THE application API for runs: every transport (HTTP, CLI, later gRPC/MCP) goes through it.
 * Starting a run persists it and hands it to the queue; a worker calls `execute` (RunExecutor).
 */
export class RunService {
  private readonly deps: ServiceDeps;
  /** Runs this process executes, by run id, with the controller that cancels them. */
  readonly live = new Map<string, AbortController>();
  /** Park requests of the runs this process executes (pause, interactive turns, shutdown hand-back). */
  readonly parking = new RunParking();
  /** Cancel across processes: durable cancel requests on the rows, notices and acknowledgements over the control bus. */
  readonly control: RunControl;
  /** Per-run credentials (process memory only), from start until the run ends here. */
  readonly secrets = new RunSecrets();
  /** Monthly token budgets: run admission, the `limit` events of a run, and /v1/_limits. */
  readonly budgets: BudgetService;
  /** Run status changes of users' runs (GET /v1/users/{id}/agents/stream): every status move calls `states.changed`. */
  readonly states: RunStates;
  /** Steered input (POST /v1/runs/{id}/input) and turn-cancel (POST /v1/runs/{id}/cancel) of runs, wherever they execute. */
  readonly steering: RunSteering;
  /** The pause gate: new top-level runs are refused (RUNTIME_PAUSED) while the runtime is pausing or paused. */
  readonly gate: RuntimeGate;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.budgets = new BudgetService({ store: deps.store.limits });
    this.gate = new RuntimeGate(deps.store.runtimeState);
    this.states = new RunStates({ store: deps.store, logger: deps.logger, ...(deps.runStates ? { feed: deps.runStates } : {}) });
    this.control = new RunControl({ store: deps.store.control, bus: deps.control, live: this.live, ownerId: deps.ownerId, logger: deps.logger, ackTimeoutMs: deps.cancelAckTimeoutMs, wake: (filter) => this.wake(filter) });
    this.steering = new RunSteering({ inputs: deps.store.inputs, runs: deps.store.tenantScoped, bus: deps.control, logger: deps.logger, ackTimeoutMs: deps.cancelAckTimeoutMs, wake: (filter) => this.wake(filter) });
  }

  /**
   * Wakes parked runs (`paused` ones on resume, an `awaiting_input` one on new input): they go
   * back to the queue, and the worker that claims them resumes them from their transcript.
   * Returns the ids of the runs it woke.
   */
  async wake(filter: { from: "paused" | "awaiting_input"; runIds?: readonly string[] }): Promise<string[]> {
    const woken = await this.deps.store.wakeRuns(filter);
    for (const runId of woken) await this.deps.queue.enqueue({ runId });
    if (woken.length > 0) await this.states.changedIds({ queued: woken });
    return woken;
  }

  /** Validates, persists the run with its input and system prompt, then enqueues it. */
  async startRun(request: StartRunRequest): Promise<{ run: Run; session: Session; replayed?: true }> {
    await this.gate.admit();
    const keyed = { ...request, tenant_id: request.tenant_id ?? DEFAULT_TENANT };
    const earlier = await earlierIdempotentRun(this.deps.store, keyed, this.deps.idempotencyTtlSeconds);
    if (earlier !== null) return earlier;
    const slot = reserveQueueSlot(this.deps.queue);
    let created: { run: Run; session: Session };
    try {
      created = await this.persistRun(request);
    } catch (error) {
      slot.release();
      // A concurrent request with the same Idempotency-Key won the unique index: answer its run.
      const winner = await earlierIdempotentRun(this.deps.store, keyed, this.deps.idempotencyTtlSeconds).catch(() => null);
      if (winner === null) throw error;
      return winner;
    }
    this.states.changed(created.run, "queued");
    // Committed first: a failed enqueue (queue unreachable) leaves the run queued in the store,
    // where the workers' recovery sweep enqueues it, so an accepted run is never lost.
    await slot.enqueue({ runId: created.run.id }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, run_id: created.run.id }, "enqueue failed; the run stays queued until a recovery sweep enqueues it");
    });
    this.deps.metrics.runStarted();
    return created;
  }

  /**
   * Validates and persists a sub-agent run (queued, with its lineage) WITHOUT enqueueing it: the
   * spawning run executes it inline, so a parent waiting on children never holds a worker slot
   * a child needs. Recovery still finds it like any queued run.
   */
  async createChildRun(request: StartRunRequest, lineage: RunLineage): Promise<Run> {
    const { run } = await this.persistRun(request, lineage);
    this.states.changed(run, "queued");
    this.deps.metrics.runStarted();
    return run;
  }

  /** Validates, then writes the session (unless continuing one) and the queued run with its first events. */
  private async persistRun(request: StartRunRequest, lineage?: RunLineage): Promise<{ run: Run; session: Session }> {
    const agent = this.deps.agents.get(request.agent, request.tenant_id ?? DEFAULT_TENANT);
    const candidates = this.checkRoute(agent, request.options?.user_tier);
    this.checkVision({ agent, segments: request.segments, candidates });
    const tenantId = request.tenant_id ?? DEFAULT_TENANT;
    const session = request.session_id === undefined ? null : await this.requireIdleSession(tenantId, request.session_id);
    await this.requireFreeAgentId(tenantId, request.agent_id);
    // A new session is written in the run's own transaction, so a refused run leaves nothing behind.
    const created = session ?? this.newSession(request, agent);
    const record = this.withSealedCredentials(newRunRecord({ request, session: created, agent, lineage }), request.credentials);
    // Budgets and quotas admit top-level runs; a sub-agent runs under its root's admission.
    const notices = lineage === undefined ? await this.budgets.admit({ tenantId: record.tenant_id, userId: record.user_id }) : [];
    const firstEvents: RunEvent[] = [
      { type: "user_input", segments: request.segments },
      { type: "system_prompt", system_prompt: agent.system_prompt, agent: agent.name },
      ...notices.map((limit) => ({ type: "limit" as const, limit })),
    ];
    const run = await this.deps.store.createRun(record, firstEvents, runAdmission({ existing: session, created, lineage, settings: this.deps.concurrency }));
    this.secrets.set(run.id, request.credentials);
    return { run, session: session ?? { ...created, created_at: run.created_at } };
  }

  /**
   * Seals the run's credentials onto its row when a key is configured, so whichever process
   * resumes the run can use them. Without a key they stay in this process's memory, which is
   * refused where the run executes elsewhere (an api process) rather than lost without a word.
   */
  private withSealedCredentials(record: NewRun, credentials: RunCredentials | undefined): NewRun {
    if (credentials === undefined || (credentials.user_bearer === undefined && credentials.user_credentials === undefined)) return record;
    const key = this.deps.credentialKey;
    if (key !== undefined) return { ...record, sealed_credentials: sealCredentials(key, record.id, credentials) };
    if (this.deps.credentialsNeedKey !== true) return record;
    throw new AppError(
      "INVALID_ARGUMENT",
      "user_bearer/user_credentials need LOOMCYCLE_SECRET_KEY on a cluster: this api process does not execute the run, and the worker that does can only read credentials sealed with that key. Set the same LOOMCYCLE_SECRET_KEY (32+ characters) on every api and worker process.",
      { details: { field: credentials.user_bearer === undefined ? "user_credentials" : "user_bearer" } },
    );
  }

  /** A session to create with the run (not written yet). */
  private newSession(request: StartRunRequest, agent: Agent): Session {
    return { id: newId("ses"), tenant_id: request.tenant_id ?? DEFAULT_TENANT, agent: agent.name, user_id: request.user_id ?? null, created_at: new Date() };
  }

  /** Starts a run in an existing session of the request's tenant; the loop replays the session's history first. */
  async continueSession(sessionId: string, request: ContinueSessionRequest): Promise<{ run: Run; session: Session }> {
    const session = await this.requireSession(request.tenant_id ?? DEFAULT_TENANT, sessionId);
    return this.startRun({ ...request, agent: session.agent, session_id: sessionId, tenant_id: session.tenant_id });
  }

  /** A run of the tenant; a run of another tenant is NOT_FOUND exactly like a missing one. */
  async getRun(tenantId: string, runId: string): Promise<RunView> {
    const run = await this.deps.store.tenantScoped.getRun(tenantId, runId);
    if (run === null) throw new AppError("NOT_FOUND", `run ${runId} not found`, { details: { field: "run_id" } });
    return { run, live: this.live.has(run.id) };
  }

  /** The tenant's newest run holding this handle; another tenant's is NOT_FOUND like a missing one. */
  async getByAgentId(tenantId: string, agentId: string): Promise<RunView> {
    const run = await this.deps.store.tenantScoped.getRunByAgentId(tenantId, agentId);
    if (run === null) throw new AppError("NOT_FOUND", `agent ${agentId} not found`, { details: { field: "agent_id" } });
    return { run, live: this.live.has(run.id) };
  }

  async listUserRuns(tenantId: string, userId: string, statuses?: Run["status"][]): Promise<RunView[]> {
    const runs = await this.deps.store.tenantScoped.listRuns(tenantId, { user_id: userId, ...(statuses ? { statuses } : {}) });
    return runs.map((run) => ({ run, live: this.live.has(run.id) }));
  }

  /**
   * Cancels the newest run holding this handle and every unfinished descendant (its sub-agents,
   * recursively), whichever process executes them. A running run stops at once (its stream ends
   * with `done`, stop_reason `cancelled`); a queued one stops as soon as it is picked up.
   */
  async cancelByAgentId(tenantId: string, agentId: string, reason?: string): Promise<CancelResult> {
    const { run } = await this.getByAgentId(tenantId, agentId);
    const { marks, acknowledged } = await this.control.cancel(run.id, reason ?? null);
    const cancelled = marks.some((mark) => mark.id === run.id);
    const cascaded = marks.filter((mark) => mark.id !== run.id).map((mark) => mark.agent_id);
    return { cancelled, run, cascaded, acknowledged };
  }

  /** Replays a run's stored events after `fromSeq`, then follows it live until it ends. */
  async streamRun(request: { tenantId: string; runId: string; fromSeq: number; signal: AbortSignal }): Promise<{ run: Run; events: AsyncIterable<StoredEvent> }> {
    const { run } = await this.getRun(request.tenantId, request.runId);
    return { run, events: this.followRun(run.id, request.fromSeq, request.signal) };
  }

  /**
   * Follows a run to its end and returns its final row and final text (the text after the last
   * tool result): the blocking form of a run, for JSON answers and batches.
   */
  async waitForResult(runId: string, signal: AbortSignal): Promise<RunResult> {
    let finalText = "";
    for await (const stored of this.followRun(runId, 0, signal)) {
      if (stored.event.type === "text") finalText += stored.event.text;
      if (stored.event.type === "tool_result") finalText = "";
    }
    // The caller holds this run already (it just started it), so no tenant check here.
    const run = await this.deps.store.getRun(runId);
    if (run === null) throw new AppError("NOT_FOUND", `run ${runId} not found`, { details: { field: "run_id" } });
    return { run, finalText };
  }

  /** The events of a run the caller already holds (just started), without reading its row again. */
  followRun(runId: string, fromSeq: number, signal: AbortSignal): AsyncIterable<StoredEvent> {
    return streamRunEvents({ runId, fromSeq, signal, log: this.deps.store, bus: this.deps.bus, store: this.deps.store });
  }

  /** Manual compaction (POST /v1/runs/{id}/compact): a finished run gets a marker its session's next run applies. */
  compactRun(tenantId: string, runId: string, reason?: string): Promise<CompactRunResult> {
    return compactFinishedRun(this.deps, { tenantId, runId, ...(reason === undefined ? {} : { reason }) });
  }

  async transcript(tenantId: string, sessionId: string): Promise<{ session: Session; events: StoredEvent[] }> {
    const session = await this.requireSession(tenantId, sessionId);
    return { session, events: await this.deps.store.listSessionEvents(sessionId) };
  }

  /** Refuses, before any write, a run whose user tier is unknown or whose agent no provider can serve; returns its candidates. */
  private checkRoute(agent: Agent, userTier: string | undefined): ModelRef[] {
    const name = userTier ?? "default";
    const policy = this.deps.routing.userTiers[name];
    if (policy === undefined) {
      const known = Object.keys(this.deps.routing.userTiers).sort().join(", ");
      throw new AppError("INVALID_ARGUMENT", `user_tier: unknown user tier "${name}"; configured: ${known}`, { details: { field: "user_tier" } });
    }
    return resolveCandidates({ agent, userTier: name, policy, aliases: this.deps.aliases, registry: this.deps.providers, health: this.deps.health });
  }

  /** Refuses, before any write, image input when none of the agent's candidate models accepts images. */
  private checkVision(input: { agent: Agent; segments: readonly Segment[]; candidates: readonly ModelRef[] }): void {
    if (!input.segments.some((segment) => segment.content.some((part) => part.type === "image"))) return;
    if (input.candidates.some((ref) => supportsVision(this.deps.providers, ref))) return;
    const models = input.candidates.map((ref) => `${ref.provider}/${ref.model}`).join(", ");
    throw new AppError("INVALID_ARGUMENT", `segments: the input has images but no model agent "${input.agent.name}" may run on supports vision (${models})`, {
      details: { field: "segments" },
    });
  }

  /** A session of the tenant; another tenant's is NOT_FOUND exactly like a missing one. */
  private async requireSession(tenantId: string, sessionId: string): Promise<Session> {
    const session = await this.deps.store.tenantScoped.getSession(tenantId, sessionId);
    if (session === null) throw new AppError("NOT_FOUND", `session ${sessionId} not found`, { details: { field: "session_id" } });
    return session;
  }

  private async requireIdleSession(tenantId: string, sessionId: string): Promise<Session> {
    const session = await this.requireSession(tenantId, sessionId);
    const active = await this.deps.store.listActiveRunsInSession(sessionId);
    if (active.length > 0) {
      throw new AppError("SESSION_BUSY", `session ${sessionId} is busy: run ${active[0]?.id} has not finished`);
    }
    return session;
  }

  /** Caller handles are per tenant: another tenant's run with the same handle neither blocks nor shows. */
  private async requireFreeAgentId(tenantId: string, agentId: string | undefined): Promise<void> {
    if (agentId === undefined) return;
    const holder = await this.deps.store.tenantScoped.getRunByAgentId(tenantId, agentId);
    if (holder !== null && !TERMINAL_STATUSES.has(holder.status)) {
      throw new AppError("AGENT_ID_IN_USE", `agent_id ${agentId} is in use by run ${holder.id}`, { details: { field: "agent_id" } });
    }
  }
}
