import { AppError } from "../domain/index.ts";
import type { ParkTarget } from "../domain/index.ts";
import type { ParkControl } from "../loop/index.ts";

/**
 * The park request of one run executing here (the loop's ParkControl). `request` parks the run
 * at its next iteration boundary; `force` parks it now, aborting its model and tool calls with a
 * PARKED reason. The first target asked for wins: a run asked to pause and then handed back
 * parks as paused (the resume wakes it).
 */
export class ParkRequest implements ParkControl {
  private requested: ParkTarget | null;
  private readonly controller = new AbortController();

  constructor(initial: ParkTarget | null = null) {
    this.requested = initial;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  target(): ParkTarget | null {
    return this.requested;
  }

  /** Parks the run at its next iteration boundary. */
  request(target: ParkTarget): void {
    this.requested ??= target;
  }

  /** Parks the run now: the calls in flight are aborted (a tool that can be re-run runs again on resume). */
  force(target: ParkTarget): void {
    this.request(target);
    if (!this.controller.signal.aborted) this.controller.abort(new AppError("PARKED", `the run is parking (${this.requested ?? target})`));
  }

  /** Takes back a request the run has not acted on yet (a pause resumed before the run reached its boundary). */
  withdraw(): void {
    if (!this.controller.signal.aborted) this.requested = null;
  }
}

/** True when an abort reason is a park (the run leaves its process and resumes later), not a cancel. */
export function isParkAbort(reason: unknown): boolean {
  return reason instanceof AppError && reason.code === "PARKED";
}

/** The park requests of the runs this process executes, and the target new runs start with. */
export class RunParking {
  private readonly requests = new Map<string, ParkRequest>();
  /** Where a run claimed now parks at once (the runtime is paused, or this process is stopping), or null. */
  private initial: () => ParkTarget | null = () => null;

  /** Sets what decides the park target of runs claimed from now on. */
  setInitial(initial: () => ParkTarget | null): void {
    this.initial = initial;
  }

  /** A new request for a run starting here; dropped with `end` when the run leaves. */
  begin(runId: string): ParkRequest {
    const request = new ParkRequest(this.initial());
    this.requests.set(runId, request);
    return request;
  }

  end(runId: string): void {
    this.requests.delete(runId);
  }

  get(runId: string): ParkRequest | undefined {
    return this.requests.get(runId);
  }

  /** Asks every run executing here to park (at its next boundary, or now with `force`); returns how many it asked. */
  parkAll(target: ParkTarget, options: { force: boolean }): number {
    for (const request of this.requests.values()) {
      if (options.force) request.force(target);
      else request.request(target);
    }
    return this.requests.size;
  }

  /** Takes back the requests runs have not acted on. */
  withdrawAll(): void {
    for (const request of this.requests.values()) request.withdraw();
  }

  get size(): number {
    return this.requests.size;
  }
}
