import { AppError, newId } from "../domain/index.ts";
import type { Logger } from "../domain/index.ts";
import type { ControlBus, ControlMessage } from "../queue/index.ts";
import type { CancelMark, ControlStore } from "../store/index.ts";

/** How long a cancel waits for the owners of its running runs to acknowledge, unless configured. */
export const DEFAULT_CANCEL_ACK_TIMEOUT_MS = 1_000;

/** What RunControl works with. */
export interface RunControlDeps {
  store: ControlStore;
  /** The backplane to other processes; absent = this process is alone (embedded). */
  bus?: ControlBus | undefined;
  /** The runs this process executes, with the controller that aborts them (RunService.live). */
  live: ReadonlyMap<string, AbortController>;
  ownerId: string;
  logger: Logger;
  ackTimeoutMs?: number | undefined;
  /** Wakes parked runs (RunService.wake): a cancelled parked run is queued so the worker that claims it cancels it. */
  wake?: (filter: { from: "paused" | "awaiting_input"; runIds: readonly string[] }) => Promise<string[]>;
}

/** What a cancel request reached. */
export interface CancelOutcome {
  /** The runs the request was recorded on (the root first when it was unfinished), parents first. */
  marks: CancelMark[];
  /** Every running run stopped here, or its owner said it aborted it, or it has finished since. */
  acknowledged: boolean;
}

interface AckWaiter {
  pending: Set<string>;
  done: () => void;
}

/**
 * Cancel across processes. The request is durable first (ControlStore marks the run and its
 * unfinished descendants on their rows), then runs executing here abort at once and the owners
 * of the others are told over the control bus and answer with an acknowledgement. Whatever a
 * notice misses is caught by the durable mark: a queued run is cancelled when claimed, and an
 * owner re-reads its marked runs after its bus reconnects and on every heartbeat (`resync`).
 */
export class RunControl {
  private readonly deps: RunControlDeps;
  private readonly waiters = new Map<string, AckWaiter>();

  constructor(deps: RunControlDeps) {
    this.deps = deps;
    deps.bus?.subscribe((message) => this.receive(message));
    deps.bus?.onResync(() => {
      this.resync().catch((error: unknown) => deps.logger.warn({ err: error }, "control resync failed"));
    });
  }

  /** Cancels a run and its unfinished descendants wherever they execute; waits briefly for the acknowledgements. */
  async cancel(runId: string, reason: string | null): Promise<CancelOutcome> {
    const marks = await this.deps.store.requestCancel(runId, reason);
    // A queued run needs no notice: the worker that claims it sees the mark.
    const remote = marks.filter((mark) => mark.status === "running" && mark.owner_id !== this.deps.ownerId).map((mark) => mark.id);
    for (const mark of marks) this.abortLocal(mark.id);
    await this.wakeParked(marks);
    if (remote.length === 0 || this.deps.bus === undefined) return { marks, acknowledged: remote.length === 0 };
    return { marks, acknowledged: await this.notifyOwners(this.deps.bus, remote) };
  }

  /** Parked runs hold no process: waking them lets a worker claim them and act on the cancel at once. */
  private async wakeParked(marks: readonly CancelMark[]): Promise<void> {
    const wake = this.deps.wake;
    if (wake === undefined) return;
    for (const from of ["paused", "awaiting_input"] as const) {
      const runIds = marks.filter((mark) => mark.status === from).map((mark) => mark.id);
      if (runIds.length > 0) await wake({ from, runIds });
    }
  }

  /** Aborts every run executing here that has a cancel request it has not acted on (a notice it may have missed). */
  async resync(): Promise<string[]> {
    if (this.deps.live.size === 0) return [];
    const requested = await this.deps.store.cancelRequested(this.deps.ownerId);
    const aborted = requested.filter((runId) => this.abortLocal(runId));
    if (aborted.length > 0) this.deps.logger.warn({ runs: aborted }, "cancelled runs whose cancel notice was missed");
    return aborted;
  }

  /** Publishes the cancel and waits up to the ack timeout; runs that finished meanwhile count as acknowledged. */
  private async notifyOwners(bus: ControlBus, runIds: string[]): Promise<boolean> {
    const requestId = newId("ctl");
    const pending = new Set(runIds);
    const acked = new Promise<void>((resolve) => this.waiters.set(requestId, { pending, done: resolve }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.ackTimeoutMs ?? DEFAULT_CANCEL_ACK_TIMEOUT_MS)));
    try {
      await bus.publish({ kind: "cancel", request_id: requestId, origin: bus.origin, run_ids: runIds });
      await Promise.race([acked, timeout]);
    } catch (error) {
      this.deps.logger.warn({ err: error, runs: runIds }, "cancel notice could not be sent; the owners will find the request on resync");
    } finally {
      clearTimeout(timer);
      this.waiters.delete(requestId);
    }
    if (pending.size === 0) return true;
    return (await this.deps.store.unfinished([...pending])).length === 0;
  }

  private receive(message: ControlMessage): void {
    if (message.kind === "cancel") this.onCancel(message.request_id, message.run_ids);
    else if (message.kind === "cancel_ack") this.onAck(message.request_id, message.run_ids);
  }

  /** Aborts the listed runs that execute here and tells the sender. */
  private onCancel(requestId: string, runIds: readonly string[]): void {
    const mine = runIds.filter((runId) => this.deps.live.has(runId));
    for (const runId of mine) this.abortLocal(runId);
    const bus = this.deps.bus;
    if (mine.length === 0 || bus === undefined) return;
    bus.publish({ kind: "cancel_ack", request_id: requestId, origin: bus.origin, run_ids: mine }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, runs: mine }, "cancel acknowledgement could not be sent");
    });
  }

  private onAck(requestId: string, runIds: readonly string[]): void {
    const waiter = this.waiters.get(requestId);
    if (waiter === undefined) return;
    for (const runId of runIds) waiter.pending.delete(runId);
    if (waiter.pending.size === 0) waiter.done();
  }

  /** Aborts a run executing here; true when it was live and not aborted before. */
  private abortLocal(runId: string): boolean {
    const controller = this.deps.live.get(runId);
    if (controller === undefined || controller.signal.aborted) return false;
    controller.abort(new AppError("CANCELLED", "cancelled by API"));
    return true;
  }
}
