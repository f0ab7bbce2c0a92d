import { AppError, newId } from "../domain/index.ts";
import type { Logger, ParkTarget } from "../domain/index.ts";
import type { ControlBus, ControlMessage } from "../queue/index.ts";
import type { RuntimeStateName, Store } from "../store/index.ts";
import type { RunService } from "./run-service.ts";

/** POST /v1/_pause: the default wait for runs to reach a boundary, and its cap (loomcycle §2.7). */
export const DEFAULT_PAUSE_TIMEOUT_MS = 30_000;
export const MAX_PAUSE_TIMEOUT_MS = 5 * 60_000;
/** How often a pause re-counts the runs still running or queued. */
const POLL_MS = 100;
/** After the forced park, how long a pause waits for the aborted runs to record their park. */
const FORCE_SETTLE_MS = 5_000;
/** After a resume, when the paused runs are woken again: a run forced to park may record its park after the resume. */
const LATE_WAKE_DELAYS_MS = [1_000, 5_000, 15_000] as const;

/** What POST /v1/_pause answers. */
export interface PauseResult {
  /** `paused`; `running` only when a resume overtook the pause. */
  state: RuntimeStateName;
  duration_ms: number;
  /** Runs still running when the timeout ran out, parked at once (their calls in flight aborted). */
  force_cancelled_count: number;
  /** Runs parked as `paused` once the runtime is paused (counted rows, cluster-wide). */
  paused_runs_count: number;
  warnings: string[];
}

/** What POST /v1/_resume answers. */
export interface ResumeResult {
  state: "running";
  resumed_runs_count: number;
  warnings: string[];
}

/** What GET /v1/_state answers. */
export interface RuntimeStateView {
  state: RuntimeStateName;
  paused_runs_count: number;
  /** When the runtime became paused (RFC 3339), or null. */
  paused_at: string | null;
}

export interface PauseServiceDeps {
  store: Pick<Store, "runtimeState" | "stats">;
  runs: RunService;
  /** The control backplane (absent in embedded mode: this process is alone). */
  bus?: ControlBus | undefined;
  logger: Logger;
  /** Overrides for tests: the poll interval and the settle time after the forced park. */
  pollMs?: number;
  forceSettleMs?: number;
}

/**
 * Cluster-wide pause (issue 6 §5). The runtime_state row is the source of truth; the control
 * messages `pause`, `pause_force` and `resume` tell every process at once. Pausing parks every
 * run at its next iteration boundary (runs claimed while paused park at once), waits until no
 * run is running or queued anywhere, and parks the rest at once when the timeout runs out.
 * Resuming wakes the paused runs: they go back to the queue and resume from their transcripts.
 * Also the graceful hand-back of a stopping worker (`handBack`): its runs park as `queued`.
 */
export class PauseService {
  private readonly deps: PauseServiceDeps;
  /** The runtime is pausing or paused (as this process knows it): runs claimed here park as paused. */
  private paused = false;
  /** This process is stopping: runs claimed here park as queued (handed back). */
  private stopping = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(deps: PauseServiceDeps) {
    this.deps = deps;
  }

  /** Reads the runtime state and follows the pause messages (and re-reads the state whenever the bus reconnects). */
  async start(): Promise<void> {
    const bus = this.deps.bus;
    if (bus !== undefined) {
      this.unsubscribe.push(bus.subscribe((message) => this.receive(message)));
      this.unsubscribe.push(bus.onResync(() => void this.sync()));
    }
    await this.sync();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Whether the runtime is pausing or paused (snapshot restore leaves restored runs paused then). */
  async isPaused(): Promise<boolean> {
    return (await this.deps.store.runtimeState.get()).state !== "running";
  }

  async state(): Promise<RuntimeStateView> {
    const [record, gauges] = await Promise.all([this.deps.store.runtimeState.get(), this.deps.store.stats.runGauges()]);
    return { state: record.state, paused_runs_count: gauges.paused, paused_at: record.paused_at?.toISOString() ?? null };
  }

  /** Pauses the runtime cluster-wide; see the class comment. ALREADY_PAUSING when it is pausing or paused. */
  async pause(options: { timeout_ms?: number | undefined } = {}): Promise<PauseResult> {
    const timeoutMs = Math.min(options.timeout_ms ?? DEFAULT_PAUSE_TIMEOUT_MS, MAX_PAUSE_TIMEOUT_MS);
    const started = Date.now();
    const moved = await this.deps.store.runtimeState.transition(["running"], "pausing");
    if (moved === null) throw new AppError("ALREADY_PAUSING", "the runtime is already pausing or paused");
    await this.announce("pause");
    const warnings: string[] = [];
    const forced = (await this.waitForQuiet(started + timeoutMs)) === "timeout" ? await this.force(warnings) : 0;
    const done = await this.deps.store.runtimeState.transition(["pausing"], "paused");
    if (done === null) warnings.push("the runtime was resumed while it was pausing");
    const gauges = await this.deps.store.stats.runGauges();
    return { state: done?.state ?? "running", duration_ms: Date.now() - started, force_cancelled_count: forced, paused_runs_count: gauges.paused, warnings };
  }

  /** The timeout ran out: parks the runs still running at once; returns how many were running. */
  private async force(warnings: string[]): Promise<number> {
    const forced = (await this.deps.store.stats.runGauges()).running;
    await this.announce("pause_force");
    if ((await this.waitForQuiet(Date.now() + (this.deps.forceSettleMs ?? FORCE_SETTLE_MS))) === "timeout") {
      warnings.push("some runs had not parked when the pause completed; they park as soon as they reach their process again");
    }
    return forced;
  }

  /** Resumes the runtime: new runs are accepted again and every paused run is woken. NOT_PAUSED when it runs. */
  async resume(): Promise<ResumeResult> {
    const moved = await this.deps.store.runtimeState.transition(["pausing", "paused"], "running");
    if (moved === null) throw new AppError("NOT_PAUSED", "the runtime is not paused");
    await this.announce("resume");
    const woken = await this.deps.runs.wake({ from: "paused" });
    this.scheduleLateWakes();
    return { state: "running", resumed_runs_count: woken.length, warnings: [] };
  }

  /**
   * Graceful shutdown: runs executing here park as `queued` at their next boundary and go back
   * to the queue for another worker (`force` parks them now). A paused runtime's runs stay paused.
   */
  handBack(options: { force: boolean }): number {
    this.stopping = true;
    this.applyInitial();
    return this.deps.runs.parking.parkAll("queued", options);
  }

  /** Acts here, then tells every other process (a process ignores its own messages). */
  private async announce(kind: "pause" | "pause_force" | "resume"): Promise<void> {
    this.apply(kind);
    const bus = this.deps.bus;
    if (bus === undefined) return;
    await bus.publish({ kind, request_id: newId("ctl"), origin: bus.origin }).catch((error: unknown) => {
      // The row holds the state: a process that missed the message reads it when its bus reconnects.
      this.deps.logger.warn({ err: error, kind }, "the pause message could not be sent");
    });
  }

  private receive(message: ControlMessage): void {
    if (message.kind === "pause" || message.kind === "pause_force" || message.kind === "resume") this.apply(message.kind);
  }

  private apply(kind: "pause" | "pause_force" | "resume"): void {
    const parking = this.deps.runs.parking;
    this.paused = kind !== "resume";
    this.deps.runs.gate.remember(this.paused ? "pausing" : "running");
    this.applyInitial();
    if (kind === "resume") parking.withdrawAll();
    else parking.parkAll("paused", { force: kind === "pause_force" });
  }

  private applyInitial(): void {
    const target: ParkTarget | null = this.paused ? "paused" : this.stopping ? "queued" : null;
    this.deps.runs.parking.setInitial(() => target);
  }

  /** Re-reads the row (start-up, bus reconnect): a pause this process missed parks its runs now. */
  private async sync(): Promise<void> {
    try {
      const { state } = await this.deps.store.runtimeState.get();
      const paused = state !== "running";
      this.deps.runs.gate.remember(state);
      if (paused === this.paused) return;
      this.apply(paused ? "pause" : "resume");
    } catch (error) {
      this.deps.logger.warn({ err: error }, "reading the runtime state failed");
    }
  }

  /** Polls until no run is running or queued cluster-wide, the deadline passes, or the pause was taken back (resumed). */
  private async waitForQuiet(deadline: number): Promise<"quiet" | "timeout" | "resumed"> {
    for (;;) {
      const gauges = await this.deps.store.stats.runGauges();
      if (gauges.running === 0 && gauges.queued === 0) return "quiet";
      if ((await this.deps.store.runtimeState.get()).state !== "pausing") return "resumed";
      if (Date.now() >= deadline) return "timeout";
      await this.sleep(this.deps.pollMs ?? POLL_MS);
    }
  }

  /** Wakes paused runs again a little later while the runtime runs: a run forced to park may record its park after the resume. */
  private scheduleLateWakes(): void {
    for (const delayMs of LATE_WAKE_DELAYS_MS) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.lateWake();
      }, delayMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private async lateWake(): Promise<void> {
    try {
      if ((await this.deps.store.runtimeState.get()).state !== "running") return;
      const woken = await this.deps.runs.wake({ from: "paused" });
      if (woken.length > 0) this.deps.logger.info({ runs: woken }, "woke runs that parked after the resume");
    } catch (error) {
      this.deps.logger.warn({ err: error }, "waking late-parked runs failed");
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}
