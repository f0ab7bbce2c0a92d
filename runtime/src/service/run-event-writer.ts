import { isTerminalEvent } from "../domain/index.ts";
import type { RunEvent, RunOutcome, StoredEvent, Usage } from "../domain/index.ts";
import type { EventSink } from "../loop/index.ts";
import type { RunEventBus } from "../queue/index.ts";
import type { Store } from "../store/index.ts";

export interface RunEventWriterOptions {
  runId: string;
  sessionId: string;
  /** The run's highest stored seq; new events continue from it without a gap. */
  lastSeq: number;
  log: Pick<Store, "appendEvents" | "finishRun">;
  bus: RunEventBus;
  /** Prices a model call's usage before it is stored (the ledger keeps the cost). */
  price?: (usage: Usage) => Usage;
  /** Called after each batch is stored, for metrics. */
  onBatch?: (count: number, seconds: number) => void;
}

/**
 * The loop's EventSink for one run: numbers events gaplessly, stores them in batches (group
 * commit: whatever arrives while a write is in flight goes in the next one), and publishes
 * each batch to live subscribers only after it is stored. The terminal event (`done`/`error`)
 * is held back and written by `finish` together with the run's outcome.
 */
export class RunEventWriter implements EventSink {
  private readonly options: RunEventWriterOptions;
  private nextSeq: number;
  private buffer: StoredEvent[] = [];
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;
  private terminal: StoredEvent | null = null;
  /** An interactive run's `awaiting_input`: held back and written by the park itself (`heldForPark`). */
  private parkEvent: StoredEvent | null = null;

  constructor(options: RunEventWriterOptions) {
    this.options = options;
    this.nextSeq = options.lastSeq + 1;
  }

  emit(original: RunEvent): void {
    const event = original.type === "usage" && this.options.price ? { ...original, usage: this.options.price(original.usage) } : original;
    const stored = { run_id: this.options.runId, session_id: this.options.sessionId, seq: this.nextSeq++, ts_ms: Date.now(), event };
    if (isTerminalEvent(event)) {
      this.terminal ??= stored;
      return;
    }
    if (event.type === "awaiting_input") {
      this.parkEvent ??= stored;
      return;
    }
    this.buffer.push(stored);
    this.writing ??= this.drain();
  }

  /**
   * Stores everything emitted, then records the outcome and the terminal event in one
   * transaction, and only then publishes the terminal event. Returns false when the run had
   * already been finished elsewhere.
   */
  async finish(outcome: RunOutcome): Promise<boolean> {
    await this.flush();
    const final = this.terminal === null ? [] : [this.terminal];
    const changed = await this.options.log.finishRun(this.options.runId, outcome, final);
    if (changed) this.options.bus.publish(final);
    return changed;
  }

  /**
   * The events held back for the park (an interactive run's `awaiting_input`): the caller writes
   * them in the park's own statement and publishes them once it is recorded, so a client that
   * sees `awaiting_input` finds the run parked. A refused park drops them (their seq is reused).
   */
  heldForPark(): StoredEvent[] {
    return this.parkEvent === null ? [] : [this.parkEvent];
  }

  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.failure !== null) throw this.failure;
  }

  private async drain(): Promise<void> {
    // Let the events of the current burst (a model's parts, a turn's results) join this batch.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.buffer.length > 0 && this.failure === null) {
        const batch = this.buffer;
        this.buffer = [];
        await this.write(batch);
      }
    } finally {
      this.writing = null;
    }
  }

  private async write(batch: StoredEvent[]): Promise<void> {
    const started = performance.now();
    try {
      await this.options.log.appendEvents(batch);
    } catch (error) {
      this.failure = new Error(`event log write failed: ${(error as Error).message}`, { cause: error });
      return;
    }
    this.options.onBatch?.(batch.length, (performance.now() - started) / 1000);
    this.options.bus.publish(batch);
  }
}
