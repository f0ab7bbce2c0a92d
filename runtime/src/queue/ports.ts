import type { StoredEvent } from "../domain/index.ts";

/**
 * Ports for moving work and events between processes. Embedded mode implements them in
 * process; the cluster (BullMQ, Redis pub/sub) implements the same ports later.
 */

/** A queued request to execute a run. */
export interface RunJob {
  runId: string;
}

export type RunJobHandler = (job: RunJob) => Promise<void>;

/** A held place in the waiting line: enqueue the run through it, or release it when the run was refused. */
export interface QueueSlot {
  enqueue(job: RunJob): Promise<void>;
  release(): void;
}

export interface RunQueue {
  /** Hands a persisted run to whichever worker takes it next. */
  enqueue(job: RunJob): Promise<void>;
  /** Starts delivering jobs to `handler`, at most `concurrency` at a time. */
  consume(handler: RunJobHandler, options: { concurrency: number }): void;
  /** Jobs waiting and running, for metrics. */
  depth(): { waiting: number; active: number };
  /**
   * Holds a place in the bounded waiting line for a run about to be persisted (admission
   * control), or null when the line is full: the caller refuses the run (429 backpressure).
   * Absent = an unbounded queue.
   */
  reserve?(): QueueSlot | null;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

export type EventListener = (event: StoredEvent) => void;

/** Live fan-out of persisted events to stream subscribers. Only persisted events are published. */
export interface RunEventBus {
  publish(events: readonly StoredEvent[]): void;
  /** Calls `listener` for each later event of the run; returns the unsubscribe function. */
  subscribe(runId: string, listener: EventListener): () => void;
  /**
   * Resolves once events published from now on reach this process's subscribers of the run (a
   * remote bus confirms its subscription). Absent = at once. Streams wait on it before they read
   * the store, so nothing falls between the read and the live tail.
   */
  ready?(runId: string): Promise<void>;
  /** Releases the bus's connections. */
  close?(): Promise<void>;
}
