import { AppError, effectiveMaxIterations, mergeSampling } from "../domain/index.ts";
import type { Agent, Run, RunCredentials, RunOutcome, RunParked, StoredEvent } from "../domain/index.ts";
import { replayTranscript, runLoop } from "../loop/index.ts";
import type { EventSink, LoopInput, ParkControl } from "../loop/index.ts";
import { priceUsage } from "./price-usage.ts";
import { openCredentials } from "./sealed-credentials.ts";
import { agentFromDefinition } from "./agent-catalog.ts";
import { RunEventWriter } from "./run-event-writer.ts";
import type { RunService } from "./run-service.ts";
import { compactionFor, requestTransformFor, routeFor } from "./run-setup.ts";
import { hooksAndSecretsFor } from "./hook-service.ts";
import { EMPTY_SANDBOX, buildToolPolicy, selectRunTools } from "./tool-policy.ts";
import type { ServiceDeps } from "./types.ts";

/** A run that parked here, with the events its park writes (an interactive run's `awaiting_input`). */
type ParkedRun = RunParked & { finalEvents: StoredEvent[] };

/**
 * Executes queued runs: claims a run, rebuilds its conversation from the stored transcript,
 * runs the loop, and records the outcome. Also owns the heartbeat and the start-up recovery of
 * runs that a previous process left behind.
 */
/** How many times a run is resumed after its process stopped before it is interrupted (a poison run). */
const MAX_RESUMES = 3;

export class RunExecutor {
  private readonly deps: ServiceDeps;
  private readonly runs: RunService;
  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(deps: ServiceDeps, runs: RunService) {
    this.deps = deps;
    this.runs = runs;
  }

  /**
   * Executes one run until it ends or parks. A run that is no longer queued is skipped. A parked
   * run leaves this process without ending (RunParking): it resumes from its transcript when woken.
   */
  async execute(runId: string): Promise<void> {
    const run = await this.deps.store.claimRun(runId, this.deps.ownerId);
    if (run === null) return this.runs.secrets.drop(runId);
    this.runs.states.changed(run, "running");
    const controller = new AbortController();
    this.runs.live.set(run.id, controller);
    const park = this.runs.parking.begin(run.id);
    // A cancel recorded while the run waited (or while its last owner ran it) wins over executing it.
    if (run.cancel_requested_at) controller.abort(new AppError("CANCELLED", "cancelled by API"));
    const started = performance.now();
    let result: RunOutcome | ParkedRun;
    try {
      result = await this.executeClaimed(run, controller.signal, park);
    } finally {
      this.runs.live.delete(run.id);
      this.runs.parking.end(run.id);
      this.runs.steering.end(run.id);
    }
    if (result.status === "parked") return this.recordPark(run, result);
    this.runs.secrets.drop(run.id);
    this.runs.states.changed(run, result.status, result);
    this.deps.metrics.runFinished(result.status, (performance.now() - started) / 1000);
  }

  /** Runs the loop for a claimed run and records its end; a failure outside the loop fails the run with its reason. */
  private async executeClaimed(run: Run, signal: AbortSignal, park: ParkControl): Promise<RunOutcome | ParkedRun> {
    try {
      const events = await this.deps.store.listSessionEvents(run.session_id);
      const runEvents = events.filter((event) => event.run_id === run.id);
      const writer = this.writerFor(run, runEvents.at(-1)?.seq ?? 0);
      // Token budgets watch the run's model calls and add a `limit` event when one is reached.
      const sink = await this.runs.budgets.watch({ tenantId: run.tenant_id, userId: run.user_id, runEvents, sink: writer });
      const result = await this.loop({ run, signal, park, sink, events });
      if (result.status !== "parked") await writer.finish(result);
      else await writer.flush();
      return result.status === "parked" ? { ...result, finalEvents: writer.heldForPark() } : result;
    } catch (error) {
      this.deps.logger.error({ err: error, run_id: run.id }, "run failed outside the loop");
      const outcome: RunOutcome = { status: "failed", stop_reason: null, error: (error as Error).message, usage: run.usage };
      await this.failOutsideLoop(run, outcome);
      return outcome;
    }
  }

  /**
   * Records that a run parked: it leaves this process (owner cleared) in its parked status, or
   * back in the queue for another worker. Its credentials stay in this process's memory unless it
   * was handed back (this process is stopping); they are dropped when the run ends here.
   */
  private async recordPark(run: Run, parked: ParkedRun): Promise<void> {
    const { finalEvents } = parked;
    const recorded = await this.deps.store.parkRun(run.id, this.deps.ownerId, { target: parked.target, usage: parked.usage, finalEvents });
    if (recorded) this.deps.bus.publish(finalEvents);
    // Input (or a cancel) arrived while an interactive run parked: it goes back to the queue instead, to take it.
    if (!recorded && parked.target === "awaiting_input" && (await this.deps.store.parkRun(run.id, this.deps.ownerId, { target: "queued", usage: parked.usage }))) {
      this.runs.states.changed(run, "queued");
      return this.requeue(run.id);
    }
    if (!recorded) {
      this.deps.logger.warn({ run_id: run.id, target: parked.target }, "a parking run was no longer held by this process");
      return;
    }
    this.runs.states.changed(run, parked.target);
    if (parked.target !== "queued") return;
    this.runs.secrets.drop(run.id);
    await this.requeue(run.id);
  }

  /**
   * Enqueues a run handed back as `queued`. It is queued in the store already, so a queue that
   * refuses (closed at shutdown, Redis away) loses nothing: start-up recovery or a worker's sweep
   * enqueues it again.
   */
  private async requeue(runId: string): Promise<void> {
    await this.deps.queue.enqueue({ runId }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, run_id: runId }, "a handed-back run could not be enqueued; it is queued in the store and recovery enqueues it");
    });
  }

  /** Records a failure the loop never saw, with an `error` event so the run's streams end with the reason. */
  private async failOutsideLoop(run: Run, outcome: RunOutcome): Promise<void> {
    const last = await this.deps.store.lastSeq(run.id).catch(() => null);
    const event = { type: "error" as const, error: outcome.error ?? "run failed", code: "internal" };
    const final = last === null ? [] : [{ run_id: run.id, session_id: run.session_id, seq: last + 1, ts_ms: Date.now(), event }];
    if (await this.deps.store.finishRun(run.id, outcome, final).catch(() => false)) this.deps.bus.publish(final);
  }

  /** The run's event writer, continuing after its last stored seq. */
  private writerFor(run: Run, lastSeq: number): RunEventWriter {
    return new RunEventWriter({
      runId: run.id,
      sessionId: run.session_id,
      lastSeq,
      log: this.deps.store,
      bus: this.deps.bus,
      onBatch: (count, seconds) => this.deps.metrics.eventBatch(count, seconds),
      price: (usage) => priceUsage(usage, this.deps.pricing),
    });
  }

  private async loop(options: { run: Run; signal: AbortSignal; park: ParkControl; sink: EventSink; events: StoredEvent[] }): Promise<RunOutcome | RunParked> {
    const { run, signal, sink, events } = options;
    let input: LoopInput;
    try {
      // A run that already started is resuming after its process stopped: replay keeps its open turn.
      const resuming = events.some((event) => event.run_id === run.id && event.event.type === "started");
      const transcript = replayTranscript(events, resuming ? { openRun: run.id } : {});
      const done = transcript.iterations.get(run.id) ?? 0;
      input = this.loopInput({ run, agent: await this.agentFor(run), signal, sink, history: transcript.messages, done });
      input.park = options.park;
      if (resuming) input.resume = { pendingToolCalls: transcript.pendingToolCalls, awaitingInput: transcript.awaitingInput };
      // Steered input; an interactive run also parks at awaiting_input between turns, and its turn can be cancelled.
      const steering = this.runs.steering.begin(run.id, transcript.inputIds);
      input.inputs = steering;
      if (run.options.interactive === true) input.interactive = steering;
    } catch (error) {
      // The run cannot start (its agent or model is gone): close its stream with the reason.
      const message = (error as Error).message;
      sink.emit({ type: "error", error: message, code: "invalid_argument" });
      return { status: "failed", stop_reason: null, error: message, usage: run.usage };
    }
    return runLoop(input);
  }

  /** The run's credentials: held in this process since it accepted the run, else opened from the row's sealed copy. */
  private credentialsOf(run: Run): RunCredentials | undefined {
    const held = this.runs.secrets.get(run.id);
    const key = this.deps.credentialKey;
    if (held !== undefined || !run.sealed_credentials || key === undefined) return held;
    try {
      const opened = openCredentials(key, run.id, run.sealed_credentials);
      this.runs.secrets.set(run.id, opened);
      return opened;
    } catch (error) {
      this.deps.logger.warn({ err: error, run_id: run.id }, "the run's sealed credentials could not be opened (was LOOMCYCLE_SECRET_KEY changed?)");
      return undefined;
    }
  }

  /** The agent the run was accepted with: its pinned AgentDef version, else the static agent of its name. */
  private async agentFor(run: Run): Promise<Agent> {
    const defId = run.options.agent_def_id;
    if (defId === undefined) return this.deps.agents.get(run.agent, run.tenant_id);
    const record = await this.deps.store.definitions.get(run.tenant_id, "agent", defId);
    const agent = record === null ? null : agentFromDefinition(record);
    if (agent === null) throw new AppError("INVALID_ARGUMENT", `the agent definition this run was accepted with (${defId}) no longer exists or no longer parses`);
    return agent;
  }

  private loopInput(input: {
    run: Run;
    agent: Agent;
    signal: AbortSignal;
    sink: EventSink;
    history: LoopInput["history"];
    done: number;
  }): LoopInput {
    const { run, agent } = input;
    const route = routeFor(this.deps, run, agent).withVision(input.history);
    const transformRequest = requestTransformFor(this.deps);
    const sampling = mergeSampling(agent.sampling, run.options.sampling);
    const metadata = agent.mock_script !== undefined && run.metadata["mock_script"] === undefined ? { ...run.metadata, mock_script: agent.mock_script } : run.metadata;
    return {
      run: { id: run.id, sessionId: run.session_id, tenantId: run.tenant_id, agent: agent.name, agentId: run.agent_id, userId: run.user_id },
      model: route.current(),
      route,
      ...(sampling ? { sampling } : {}),
      ...(agent.effort ? { effort: agent.effort } : {}),
      system: agent.system_prompt,
      history: input.history,
      tools: selectRunTools((allowlist) => this.deps.tools.select(allowlist), agent.tools, run.options.tools),
      toolPolicy: buildToolPolicy(this.deps.sandbox ?? EMPTY_SANDBOX, agent, run.options),
      maxIterations: effectiveMaxIterations(agent),
      iterationsDone: input.done,
      usageSoFar: run.usage,
      maxTokens: agent.max_tokens,
      metadata,
      sink: input.sink,
      signal: input.signal,
      compaction: compactionFor(this.deps, run, agent),
      ...(transformRequest ? { transformRequest } : {}),
      ...hooksAndSecretsFor(this.deps.hooks, { tenantId: run.tenant_id, agent: agent.name, agentId: run.agent_id, userId: run.user_id, credentials: this.credentialsOf(run) }),
      limits: {
        toolParallelism: this.deps.limits.toolParallelism,
        headerTimeoutMs: this.deps.limits.headerTimeoutMs,
        idleTimeoutMs: this.deps.limits.idleTimeoutMs,
      },
    };
  }

  /**
   * Start-up recovery: runs left `running` by a process that is gone go back to the queue and
   * resume from their transcript (a run that already took its process down MAX_RESUMES times is
   * interrupted instead, with an `error` event closing its stream); queued runs are enqueued.
   * `exclusive` means no other process shares the store (embedded), so every running run is orphaned.
   */
  async recover(options: { exclusive: boolean }): Promise<{ interrupted: string[]; resumed: string[]; requeued: string[] }> {
    const cutoff = options.exclusive ? new Date(Date.now() + 1000) : new Date(Date.now() - this.deps.limits.staleAfterMs);
    const { resumed, interrupted } = await this.reclaimStale(cutoff);
    const requeued = await this.deps.store.listQueuedRunIds();
    for (const runId of requeued) await this.deps.queue.enqueue({ runId });
    return { interrupted, resumed, requeued };
  }

  private async reclaimStale(cutoff: Date): Promise<{ resumed: string[]; interrupted: string[] }> {
    const resumed = await this.deps.store.requeueStaleRuns(cutoff, MAX_RESUMES);
    const interrupted = await this.deps.store.interruptStaleRuns(cutoff, "interrupted: the process running this run stopped");
    await this.runs.states.changedIds({ queued: resumed, interrupted });
    return { resumed, interrupted };
  }

  /**
   * Starts the maintenance tick: renew the heartbeat of this process's running runs, then take
   * back runs whose heartbeat went stale (their process died without a word) and resume them here.
   */
  startHeartbeat(): void {
    this.heartbeatTimer = setInterval(() => {
      this.tick().catch((error: unknown) => this.deps.logger.warn({ err: error }, "run maintenance failed"));
    }, this.deps.limits.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
  }

  private async tick(): Promise<void> {
    if (this.runs.live.size > 0) {
      // Only the runs executing here: a run whose end could not be recorded (the store was away) goes stale and is resumed.
      await this.deps.store.heartbeat(this.deps.ownerId, [...this.runs.live.keys()]);
      // A cancel notice this process missed (its control connection was down) is found on the rows.
      await this.runs.control.resync();
    }
    const { resumed, interrupted } = await this.reclaimStale(new Date(Date.now() - this.deps.limits.staleAfterMs));
    for (const runId of resumed) await this.deps.queue.enqueue({ runId });
    if (resumed.length > 0) this.deps.logger.warn({ runs: resumed }, "resuming runs whose heartbeat went stale");
    if (interrupted.length > 0) this.deps.logger.warn({ runs: interrupted }, "interrupted runs that stopped their process too often");
  }

  stopHeartbeat(): void {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
  }
}
