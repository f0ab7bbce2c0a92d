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

export interface RunQueue {
  /** Hands a persisted run to whichever worker takes it next. */
  enqueue(job: RunJob): Promise<void>;
  /** Starts delivering jobs to `handler`, at most `concurrency` at a time. */
  consume(handler: RunJobHandler, options: { concurrency: number }): void;
  /** Jobs waiting and running, for metrics. */
  depth(): { waiting: number; active: number };
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

export type EventListener = (event: StoredEvent) => void;

/** Live fan-out of persisted events to stream subscribers. Only persisted events are published. */
export interface RunEventBus {
  publish(events: readonly StoredEvent[]): void;
  /** Calls `listener` for each later event of the run; returns the unsubscribe function. */
  subscribe(runId: string, listener: EventListener): () => void;
}
