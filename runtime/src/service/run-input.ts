import { AppError, TERMINAL_STATUSES, newId } from "../domain/index.ts";
import type { Logger, Run } from "../domain/index.ts";
import type { InputSource, SteeredInput, TurnControl } from "../loop/index.ts";
import type { ControlBus, ControlMessage } from "../queue/index.ts";
import type { RunInputStore, TenantScopedStore } from "../store/index.ts";

/** How long a turn-cancel waits for the process executing the run to answer, unless configured. */
const DEFAULT_TURN_CANCEL_ACK_TIMEOUT_MS = 1_000;

/** What RunSteering works with. */
export interface RunSteeringDeps {
  inputs: RunInputStore;
  runs: TenantScopedStore;
  /** The backplane to other processes; absent = this process is alone (embedded). */
  bus?: ControlBus | undefined;
  logger: Logger;
  ackTimeoutMs?: number | undefined;
  /** Wakes a run parked at awaiting_input (RunService.wake). */
  wake: (filter: { from: "awaiting_input"; runIds: readonly string[] }) => Promise<string[]>;
}

/** POST /v1/runs/{id}/input answers this. */
export interface SteerResult {
  run_id: string;
  delivered: true;
}

/** POST /v1/runs/{id}/cancel answers this: the turn stopped, and the run parks at awaiting_input. */
export interface TurnCancelResult {
  run_id: string;
  stopped: boolean;
  parked: boolean;
}

/**
 * One run executing here, as the loop sees it: the source of its steered input and, when it is
 * interactive, the control of its turns. The store is read when the run starts and whenever
 * new input is announced (locally or over the control bus); an input whose `user_input` event
 * is in the transcript already is only marked consumed, never taken twice.
 */
export class LiveRunInput implements InputSource, TurnControl {
  private readonly runId: string;
  private readonly store: RunInputStore;
  private readonly seen: Set<string>;
  private announced = true;
  private turn: AbortController | null = null;
  private cancelReason = "";

  constructor(options: { runId: string; store: RunInputStore; seen: ReadonlySet<string> }) {
    this.runId = options.runId;
    this.store = options.store;
    this.seen = new Set(options.seen);
  }

  /** New input was stored for the run: the next `take` reads the store. */
  announce(): void {
    this.announced = true;
  }

  async take(): Promise<SteeredInput[]> {
    if (!this.announced) return [];
    this.announced = false;
    try {
      const pending = await this.store.pending(this.runId);
      const taken = pending.filter((input) => this.seen.has(input.id)).map((input) => input.id);
      // Stored as events before a crash kept them from being marked: mark them now, take them never.
      if (taken.length > 0) await this.store.consume(taken);
      return pending.filter((input) => !this.seen.has(input.id)).map((input) => ({ id: input.id, text: input.text, source: input.source }));
    } catch (error) {
      this.announced = true;
      throw error;
    }
  }

  async consumed(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.seen.add(id);
    await this.store.consume(ids);
  }

  start(): AbortSignal {
    this.turn = new AbortController();
    this.cancelReason = "";
    return this.turn.signal;
  }

  end(): void {
    this.turn = null;
  }

  reason(): string {
    return this.cancelReason;
  }

  /** Cancels the current turn; false when the run is not in a turn (or it is being cancelled already). */
  cancelTurn(reason: string): boolean {
    if (this.turn === null || this.turn.signal.aborted) return false;
    this.cancelReason = reason;
    this.turn.abort(new AppError("CANCELLED", reason === "" ? "the turn was cancelled" : reason));
    return true;
  }
}

interface TurnWaiter {
  runId: string;
  done: (stopped: boolean) => void;
}

/**
 * Steering and turn-cancel of runs, wherever they execute. Steered input is durable first (the
 * run_inputs table); then a run waiting at awaiting_input is woken, and the process executing a
 * running run is told (here, or over the control bus with an `input` notice) so its loop takes
 * the input at its next iteration; a queued run takes it when it starts. A notice lost on the
 * way costs nothing for an interactive run: it cannot park at awaiting_input while input waits.
 * A turn-cancel reaches the owner the same way and is answered (`turn_cancel_ack`).
 */
export class RunSteering {
  private readonly deps: RunSteeringDeps;
  private readonly live = new Map<string, LiveRunInput>();
  private readonly waiters = new Map<string, TurnWaiter>();

  constructor(deps: RunSteeringDeps) {
    this.deps = deps;
    deps.bus?.subscribe((message) => this.receive(message));
  }

  /** The steering handle of a run starting here (`seen`: the input ids its transcript holds); dropped with `end`. */
  begin(runId: string, seen: ReadonlySet<string>): LiveRunInput {
    const handle = new LiveRunInput({ runId, store: this.deps.inputs, seen });
    this.live.set(runId, handle);
    return handle;
  }

  end(runId: string): void {
    this.live.delete(runId);
  }

  /** Steers text into a run of the tenant; a finished run, or another tenant's, is NOT_FOUND. */
  async steer(tenantId: string, runId: string, input: { text: string; source: string }): Promise<SteerResult> {
    await this.unfinishedRun(tenantId, runId);
    const stored = await this.deps.inputs.add(runId, input.text, input.source);
    if (stored === null) throw notFound(runId);
    const woken = await this.deps.wake({ from: "awaiting_input", runIds: [runId] });
    if (woken.length === 0) await this.announce(runId);
    return { run_id: runId, delivered: true };
  }

  /**
   * Cancels the current turn of an interactive run, wherever it executes: the turn's model and
   * tool calls stop and the run parks at awaiting_input. 409 NOT_INTERACTIVE / NOT_MID_TURN.
   */
  async cancelTurn(tenantId: string, runId: string, reason: string): Promise<TurnCancelResult> {
    const run = await this.deps.runs.getRun(tenantId, runId);
    if (run === null) throw notFound(runId);
    if (run.options.interactive !== true) throw new AppError("NOT_INTERACTIVE", `run ${runId} is not interactive: only an interactive run's turn can be cancelled (cancel the whole run with POST /v1/agents/{agent_id}/cancel)`);
    const local = this.live.get(runId);
    if (local !== undefined) return answered(runId, local.cancelTurn(reason));
    const bus = this.deps.bus;
    if (run.status !== "running" || bus === undefined) throw notMidTurn(run);
    const stopped = await this.askOwner(bus, runId, reason);
    if (stopped === null) return { run_id: runId, stopped: false, parked: (await this.deps.runs.getRun(tenantId, runId))?.status === "awaiting_input" };
    return answered(runId, stopped);
  }

  private async unfinishedRun(tenantId: string, runId: string): Promise<Run> {
    const run = await this.deps.runs.getRun(tenantId, runId);
    if (run === null || TERMINAL_STATUSES.has(run.status)) throw notFound(runId);
    return run;
  }

  /** Tells the process executing the run (this one, or another over the bus) that input waits. */
  private async announce(runId: string): Promise<void> {
    this.live.get(runId)?.announce();
    const bus = this.deps.bus;
    if (bus === undefined) return;
    await bus.publish({ kind: "input", request_id: newId("ctl"), origin: bus.origin, run_ids: [runId] }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, run_id: runId }, "input notice could not be sent; the run takes the input when it next reads its inputs");
    });
  }

  /** Publishes a turn-cancel and waits for the owner's answer: stopped or not, or null when none came in time. */
  private async askOwner(bus: ControlBus, runId: string, reason: string): Promise<boolean | null> {
    const requestId = newId("ctl");
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<boolean | null>((resolve) => {
      this.waiters.set(requestId, { runId, done: resolve });
      timer = setTimeout(() => resolve(null), this.deps.ackTimeoutMs ?? DEFAULT_TURN_CANCEL_ACK_TIMEOUT_MS);
    });
    try {
      await bus.publish({ kind: "turn_cancel", request_id: requestId, origin: bus.origin, run_ids: [runId], reason });
      return await answer;
    } catch (error) {
      this.deps.logger.warn({ err: error, run_id: runId }, "turn-cancel notice could not be sent");
      return null;
    } finally {
      clearTimeout(timer);
      this.waiters.delete(requestId);
    }
  }

  private receive(message: ControlMessage): void {
    if (message.kind === "input") for (const runId of message.run_ids) this.live.get(runId)?.announce();
    else if (message.kind === "turn_cancel") this.onTurnCancel(message.request_id, message.run_ids, message.reason ?? "");
    else if (message.kind === "turn_cancel_ack") this.waiters.get(message.request_id)?.done(message.stopped);
  }

  /** Cancels the turn of the listed runs that execute here, and answers the sender. */
  private onTurnCancel(requestId: string, runIds: readonly string[], reason: string): void {
    const bus = this.deps.bus;
    for (const runId of runIds) {
      const local = this.live.get(runId);
      if (local === undefined || bus === undefined) continue;
      const stopped = local.cancelTurn(reason);
      bus.publish({ kind: "turn_cancel_ack", request_id: requestId, origin: bus.origin, run_ids: [runId], stopped }).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, run_id: runId }, "turn-cancel acknowledgement could not be sent");
      });
    }
  }
}

function answered(runId: string, stopped: boolean): TurnCancelResult {
  if (!stopped) throw new AppError("NOT_MID_TURN", `run ${runId} is not running a turn (it waits for input, or is between turns)`);
  return { run_id: runId, stopped: true, parked: true };
}

function notMidTurn(run: Run): AppError {
  return new AppError("NOT_MID_TURN", `run ${run.id} is not running a turn (status ${run.status})`);
}

function notFound(runId: string): AppError {
  return new AppError("NOT_FOUND", `run ${runId} not found`, { details: { field: "run_id" } });
}
