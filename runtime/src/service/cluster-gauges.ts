import type { RunGauges, StatsStore } from "../store/index.ts";

/** How long a read answers from its cache: a scrape (or several autoscalers) costs at most one query per second. */
const MAX_AGE_MS = 1_000;

/** How long a scrape waits for a refresh before it answers the last known value (the refresh carries on). */
const REFRESH_WAIT_MS = 500;

/** A refresh still unanswered after this long is given up on (a hung connection), so the next scrape tries again. */
const REFRESH_ABANDON_MS = 30_000;

/** Jobs of the run queue by state: the whole cluster's on BullMQ, this process's when embedded. */
export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
}

/** Unfinished runs of the cluster by status (the statuses `loomcycle_runs` reports). */
export type RunCounts = Omit<RunGauges, "oldest_heartbeat_age_seconds">;

/** The autoscaling signals `/metrics` reports (telemetry registers the gauges over them). */
export interface ScaleSignals {
  queueDepth(): Promise<QueueDepth>;
  runCounts(): Promise<RunCounts>;
  /** Runs this process executes now. */
  liveRuns(): number;
  /** Seconds since the stalest heartbeat of any running run in the cluster (0 when none runs). */
  leaseAgeSeconds(): Promise<number>;
}

/** What ClusterGauges reads from. */
export interface ClusterGaugesOptions {
  stats: StatsStore;
  /** The queue's job counts (main.ts knows which queue it built). */
  queueDepth: () => Promise<QueueDepth>;
  liveRuns: () => number;
}

const NO_RUNS: RunGauges = { queued: 0, running: 0, awaiting_input: 0, paused: 0, oldest_heartbeat_age_seconds: 0 };

/**
 * The scale signals over the store and the queue, each read cached for MAX_AGE_MS and shared by
 * concurrent scrapes, so `/metrics` never adds more than one count query and one queue call per
 * second, and a slow or unreachable backend delays a scrape by REFRESH_WAIT_MS at most (it then
 * reports the last values it had).
 */
export class ClusterGauges implements ScaleSignals {
  private readonly runs: () => Promise<RunGauges>;
  private readonly jobs: () => Promise<QueueDepth>;
  private readonly live: () => number;

  constructor(options: ClusterGaugesOptions) {
    this.runs = cachedRead(() => options.stats.runGauges(), NO_RUNS);
    this.jobs = cachedRead(options.queueDepth, { waiting: 0, active: 0, delayed: 0 });
    this.live = options.liveRuns;
  }

  queueDepth(): Promise<QueueDepth> {
    return this.jobs();
  }

  async runCounts(): Promise<RunCounts> {
    const { oldest_heartbeat_age_seconds: _, ...counts } = await this.runs();
    return counts;
  }

  liveRuns(): number {
    return this.live();
  }

  async leaseAgeSeconds(): Promise<number> {
    return (await this.runs()).oldest_heartbeat_age_seconds;
  }
}

/**
 * `read`, answered from a cache younger than MAX_AGE_MS; otherwise one refresh shared by every
 * caller, awaited for REFRESH_WAIT_MS at most. A failed refresh keeps the last value; one that
 * hangs for REFRESH_ABANDON_MS is replaced by a new one.
 */
function cachedRead<T>(read: () => Promise<T>, initial: T): () => Promise<T> {
  let value = initial;
  let readAt = Number.NEGATIVE_INFINITY;
  let refreshing: { promise: Promise<T>; startedAt: number } | null = null;
  const refresh = (): Promise<T> => {
    if (refreshing !== null && Date.now() - refreshing.startedAt < REFRESH_ABANDON_MS) return refreshing.promise;
    const current: { promise: Promise<T>; startedAt: number } = { promise: Promise.resolve(value), startedAt: Date.now() };
    current.promise = read()
      .then((fresh) => {
        value = fresh;
        readAt = Date.now();
        return fresh;
      })
      .catch(() => value)
      .finally(() => {
        if (refreshing === current) refreshing = null;
      });
    refreshing = current;
    return current.promise;
  };
  return async () => {
    if (Date.now() - readAt <= MAX_AGE_MS) return value;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(value), REFRESH_WAIT_MS)));
    try {
      return await Promise.race([refresh(), gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  };
}
