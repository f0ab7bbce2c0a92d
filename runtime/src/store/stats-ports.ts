/**
 * Cluster-wide counts for the autoscaling signals on `/metrics`: what every process sharing the
 * database sees alike, read in one cheap statement over the partial status indexes.
 */

/** Unfinished runs per status, and the age of the oldest heartbeat among the running ones. */
export interface RunGauges {
  queued: number;
  running: number;
  /** Parked between turns of an interactive run (migration 0017); 0 before it. */
  awaiting_input: number;
  /** Parked by a runtime pause (migration 0017); 0 before it. */
  paused: number;
  /** Seconds since the stalest heartbeat of a running run (0 when none runs): how close a lease is to expiring. */
  oldest_heartbeat_age_seconds: number;
}

/** Read-only counts over the runs table, for metrics. */
export interface StatsStore {
  /** One statement; each count uses a partial index on `status`. */
  runGauges(): Promise<RunGauges>;
}
