import type { QueueSlot, RunJob, RunJobHandler, RunQueue } from "../ports.ts";

/** Options of the embedded queue. */
export interface InProcessRunQueueOptions {
  onError: (error: unknown, job: RunJob) => void;
  /**
   * How many runs may wait for a worker (`max_queue_depth`); 0 = unlimited. Only admission
   * (`reserve`) is bounded: runs already persisted (recovery, resumes) are always enqueued.
   */
  maxWaiting?: number;
}

/**
 * The embedded queue: a FIFO in memory, drained by up to `concurrency` handlers at once.
 * Jobs are not durable here; the run rows are, and queued runs are re-enqueued at start-up.
 */
export class InProcessRunQueue implements RunQueue {
  private readonly waiting: RunJob[] = [];
  private readonly running = new Set<Promise<void>>();
  private handler: RunJobHandler | null = null;
  private concurrency = 1;
  private closed = false;
  /** Places held by runs being persisted: they count as waiting until enqueued or released. */
  private reserved = 0;
  private readonly onError: (error: unknown, job: RunJob) => void;
  private readonly maxWaiting: number;

  constructor(options: InProcessRunQueueOptions) {
    this.onError = options.onError;
    this.maxWaiting = options.maxWaiting ?? 0;
  }

  enqueue(job: RunJob): Promise<void> {
    if (this.closed) return Promise.reject(new Error("queue is closed"));
    this.waiting.push(job);
    this.drain();
    return Promise.resolve();
  }

  /**
   * A place for one more run, or null when `maxWaiting` runs already wait. Free workers count
   * as room: a run that will start at once never waits. Synchronous, so concurrent admissions
   * cannot both take the last place.
   */
  reserve(): QueueSlot | null {
    if (this.maxWaiting > 0) {
      const freeWorkers = Math.max(0, this.concurrency - this.running.size);
      if (this.waiting.length + this.reserved >= this.maxWaiting + freeWorkers) return null;
    }
    this.reserved++;
    let held = true;
    const release = (): void => {
      if (held) this.reserved--;
      held = false;
    };
    return {
      enqueue: (job) => {
        release();
        return this.enqueue(job);
      },
      release,
    };
  }

  consume(handler: RunJobHandler, options: { concurrency: number }): void {
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency);
    this.drain();
  }

  depth(): { waiting: number; active: number } {
    return { waiting: this.waiting.length, active: this.running.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await Promise.allSettled([...this.running]);
  }

  private drain(): void {
    const handler = this.handler;
    if (handler === null) return;
    while (!this.closed && this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as RunJob;
      const task: Promise<void> = handler(job)
        .catch((error: unknown) => this.onError(error, job))
        .finally(() => {
          this.running.delete(task);
          this.drain();
        });
      this.running.add(task);
    }
  }
}
