import type { RunJob, RunJobHandler, RunQueue } from "../ports.ts";

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
  private readonly onError: (error: unknown, job: RunJob) => void;

  constructor(options: { onError: (error: unknown, job: RunJob) => void }) {
    this.onError = options.onError;
  }

  enqueue(job: RunJob): Promise<void> {
    if (this.closed) return Promise.reject(new Error("queue is closed"));
    this.waiting.push(job);
    this.drain();
    return Promise.resolve();
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
