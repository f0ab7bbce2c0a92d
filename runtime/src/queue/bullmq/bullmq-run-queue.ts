import { Queue, Worker } from "bullmq";
import type { Job } from "bullmq";
import { Redis } from "ioredis";
import type { QueueSlot, RunJob, RunJobHandler, RunQueue } from "../ports.ts";

/** The one BullMQ queue every api process feeds and every worker drains. */
export const RUN_QUEUE_NAME = "loomcycle-runs";

/** How long an enqueue may take before the api answers anyway (the run stays queued in Postgres). */
const ENQUEUE_TIMEOUT_MS = 3_000;
/**
 * The cluster-wide job counts are at most this old when admission (`reserve`) reads them: once
 * this process has admitted a run under `maxWaiting`, it re-counts every half of it.
 */
const COUNT_REFRESH_MS = 500;

/** The run queue's jobs by state, across every process of the deployment. */
export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
}

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
  /**
   * `max_queue_depth`: how many runs may wait in the whole cluster's queue before admission
   * (`reserve`) refuses new ones (429 backpressure); 0 or absent = unbounded.
   */
  maxWaiting?: number;
}

/**
 * The cluster RunQueue on BullMQ. A job is only a delivery trigger for a run persisted in
 * Postgres, never the source of truth: its id is the run id, so enqueueing a run twice (api and
 * recovery sweep) is one job; the claim (`queued → running`, compare-and-set) decides who
 * executes it, so a redelivered job (after a stall) for a run someone else holds is a no-op.
 * Finished jobs are removed at once, so a run that is requeued later (resumed) can be enqueued again.
 * Admission is bounded cluster-wide: `reserve` compares the waiting count of the whole queue (at
 * most COUNT_REFRESH_MS old) plus this process's admissions since that count to `maxWaiting`.
 */
export class BullmqRunQueue implements RunQueue {
  private readonly options: BullmqRunQueueOptions;
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private workerConnection: Redis | null = null;
  private active = 0;
  /** The last cluster-wide count, when it was taken, and the one in flight. */
  private counts: JobCounts = { waiting: 0, active: 0, delayed: 0 };
  private countedAt = 0;
  private counting: Promise<JobCounts> | null = null;
  private countTimer: NodeJS.Timeout | null = null;
  /** Places held by runs being persisted (not enqueued yet), as in the embedded queue. */
  private reserved = 0;
  /** Admitted runs this process started to enqueue, those whose enqueue settled, and the latter when the last count started. */
  private admitted = 0;
  private admittedSettled = 0;
  private countBase = 0;

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

  /** Jobs running here, and jobs waiting in the whole queue (the last count; a stale one is refreshed in the background). */
  depth(): { waiting: number; active: number } {
    if (Date.now() - this.countedAt > COUNT_REFRESH_MS) this.recount().catch(() => undefined);
    return { waiting: this.counts.waiting, active: this.active };
  }

  /** The whole queue's jobs by state, counted now (a count already in flight is shared); for metrics. */
  jobCounts(): Promise<JobCounts> {
    return this.recount();
  }

  /**
   * A place for one more run, or null when `maxWaiting` runs already wait in the cluster: the
   * last count (at most COUNT_REFRESH_MS old) plus the runs this process admitted since it, and
   * the places held here now. Synchronous, so concurrent admissions here cannot both take the
   * last place; admissions on other processes within one count period may overshoot the bound
   * by what they admit in that period. The first admission starts the periodic count.
   */
  reserve(): QueueSlot | null {
    const max = this.options.maxWaiting ?? 0;
    if (max > 0) {
      this.startCounting();
      if (this.counts.waiting + (this.admitted - this.countBase) + this.reserved >= max) return null;
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
        this.admitted++;
        return this.enqueue(job).finally(() => this.admittedSettled++);
      },
      release,
    };
  }

  /** Stops taking jobs, waits for the running ones, and closes the connections. */
  async close(): Promise<void> {
    if (this.countTimer !== null) clearInterval(this.countTimer);
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }

  /**
   * Counts the queue's jobs (one count in flight at a time). Admissions whose enqueue settled
   * before the count started are in it; later ones are added by `reserve` until the next count.
   */
  private recount(): Promise<JobCounts> {
    if (this.counting !== null) return this.counting;
    const base = this.admittedSettled;
    this.counting = this.queue
      .getJobCounts("waiting", "active", "delayed")
      .then((counts) => {
        this.counts = { waiting: counts["waiting"] ?? 0, active: counts["active"] ?? 0, delayed: counts["delayed"] ?? 0 };
        this.countedAt = Date.now();
        this.countBase = base;
        return this.counts;
      })
      .finally(() => (this.counting = null));
    return this.counting;
  }

  /** Keeps the count fresh for admission from now on (an api process only; a worker never reserves). */
  private startCounting(): void {
    if (this.countTimer !== null) return;
    this.recount().catch(() => undefined);
    this.countTimer = setInterval(() => this.recount().catch(() => undefined), COUNT_REFRESH_MS / 2);
    this.countTimer.unref();
  }
}
