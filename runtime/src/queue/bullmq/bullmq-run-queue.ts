import { Queue, Worker } from "bullmq";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import type { RunJob, RunJobHandler, RunQueue } from "../ports.ts";

/** The one BullMQ queue every api process feeds and every worker drains. */
export const RUN_QUEUE_NAME = "loomcycle-runs";

/** How long an enqueue may take before the api answers anyway (the run stays queued in Postgres). */
const ENQUEUE_TIMEOUT_MS = 3_000;
/** How often the cached waiting count (for metrics) is refreshed at most. */
const COUNT_REFRESH_MS = 2_000;

export interface BullmqRunQueueOptions {
  redisUrl: string;
  /** BullMQ key prefix: one per deployment (tests give each their own). */
  prefix: string;
  onError: (error: unknown, job: RunJob | null) => void;
  /**
   * How long a worker's lock on a job lasts without renewal (renewed every half of it while the
   * process lives). Only crash detection depends on it: the run itself is fenced in Postgres.
   */
  lockDurationMs: number;
  /** How often workers look for jobs whose lock expired (their worker died) and put them back. */
  stalledIntervalMs: number;
}

/**
 * The cluster RunQueue on BullMQ. A job is only a delivery trigger for a run persisted in
 * Postgres, never the source of truth: its id is the run id, so enqueueing a run twice (api and
 * recovery sweep) is one job; the claim (`queued → running`, compare-and-set) decides who
 * executes it, so a redelivered job (after a stall) for a run someone else holds is a no-op.
 * Finished jobs are removed at once, so a run that is requeued later (resumed) can be enqueued again.
 */
export class BullmqRunQueue implements RunQueue {
  private readonly options: BullmqRunQueueOptions;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private workerConnection: Redis | null = null;
  private active = 0;
  private waiting = 0;
  private countedAt = 0;

  constructor(options: BullmqRunQueueOptions) {
    this.options = options;
    // While Redis is away an enqueue gives up after ENQUEUE_TIMEOUT_MS: the api answers, and a sweep enqueues the run later.
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
    this.connection.on("error", (error: unknown) => options.onError(error, null));
    this.queue = new Queue(RUN_QUEUE_NAME, { connection: this.connection, prefix: options.prefix, skipWaitingForReady: true });
    this.queue.on("error", (error: unknown) => options.onError(error, null));
  }

  /** Adds the run's job (a no-op when a job of this run is already waiting or running). */
  async enqueue(job: RunJob): Promise<void> {
    const adding = this.queue.add("run", { runId: job.runId }, { jobId: job.runId, removeOnComplete: true, removeOnFail: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`enqueue of run ${job.runId} timed out after ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([adding, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  consume(handler: RunJobHandler, options: { concurrency: number }): void {
    const process = async (job: Job<RunJob>): Promise<void> => {
      this.active++;
      try {
        await handler({ runId: job.data.runId });
      } catch (error) {
        // The run records its own failure; the job (a trigger) never retries.
        this.options.onError(error, job.data);
      } finally {
        this.active--;
      }
    };
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    connection.on("error", (error: unknown) => this.options.onError(error, null));
    this.workerConnection = connection;
    this.worker = new Worker<RunJob>(RUN_QUEUE_NAME, process, {
      connection,
      prefix: this.options.prefix,
      concurrency: Math.max(1, options.concurrency),
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      // A stalled job is put back however often it stalls: Postgres (resume_count) decides when a run gives up.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    this.worker.on("error", (error: unknown) => this.options.onError(error, null));
  }

  /** Jobs running here, and jobs waiting in the whole queue (refreshed in the background, for metrics). */
  depth(): { waiting: number; active: number } {
    if (Date.now() - this.countedAt > COUNT_REFRESH_MS) {
      this.countedAt = Date.now();
      this.queue.getWaitingCount().then(
        (count) => (this.waiting = count),
        () => undefined,
      );
    }
    return { waiting: this.waiting, active: this.active };
  }

  /** Stops taking jobs, waits for the running ones, and closes the connections. */
  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }
}
