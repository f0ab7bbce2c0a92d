import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RunMetrics, ScaleSignals } from "../service/index.ts";

/** The Prometheus registry of a runtime process and the RunMetrics the service reports into. */
export interface RuntimeMetrics {
  registry: Registry;
  runs: RunMetrics;
  /** Registers a gauge read at scrape time (queue depth, live runs). */
  gauge(name: string, help: string, read: () => number): void;
  /**
   * Observes how long a backplane message took from its sender to this process, per topic: the
   * control message kind (`cancel`, `cancel_ack`, …) or `events` (the Redis event fan-out).
   */
  backplaneLag(topic: string, seconds: number): void;
  /** Registers the autoscaling gauges (queue depth, runs by status, live runs, lease age) over `signals`. */
  scaleSignals(signals: ScaleSignals): void;
}

/** Latency buckets (seconds) from 1 ms to 5 min, for run and write durations. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Backplane lag buckets (seconds): a healthy NOTIFY or pub/sub hop takes about a millisecond; 10 s means trouble. */
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

/** Builds a fresh registry with process metrics and the run counters. */
export function createMetrics(version: string): RuntimeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "loomcycle_" });
  new Gauge({ name: "loomcycle_build_info", help: "Build information", labelNames: ["version"], registers: [registry] }).set({ version }, 1);
  const started = new Counter({ name: "loomcycle_runs_started_total", help: "Runs accepted", registers: [registry] });
  const finished = new Counter({ name: "loomcycle_runs_finished_total", help: "Runs finished, by status", labelNames: ["status"], registers: [registry] });
  const duration = new Histogram({ name: "loomcycle_run_duration_seconds", help: "Run execution time", labelNames: ["status"], buckets: BUCKETS, registers: [registry] });
  const events = new Counter({ name: "loomcycle_events_persisted_total", help: "Run events written to the store", registers: [registry] });
  const batch = new Histogram({ name: "loomcycle_event_batch_seconds", help: "Time to store one batch of events", buckets: BUCKETS, registers: [registry] });
  const lag = new Histogram({
    name: "loomcycle_backplane_lag_seconds",
    help: "Time from a backplane message's sender to this process, by topic (control message kind, or events)",
    labelNames: ["topic"],
    buckets: LAG_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    runs: {
      runStarted: () => started.inc(),
      runFinished: (status, seconds) => {
        finished.inc({ status });
        duration.observe({ status }, seconds);
      },
      eventBatch: (count, seconds) => {
        events.inc(count);
        batch.observe(seconds);
      },
    },
    gauge: (name, help, read) => {
      new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    },
    // Clocks of two hosts may disagree by a little: a message never arrives before it was sent.
    backplaneLag: (topic, seconds) => lag.observe({ topic }, Math.max(0, seconds)),
    scaleSignals: (signals) => registerScaleSignals(registry, signals),
  };
}

/**
 * The gauges an autoscaler reads (docs/ARCHITECTURE.md, "Scale signals"). Each is read at scrape
 * time through `signals`, whose reads are cached, so a scrape never waits long on Redis or Postgres.
 */
function registerScaleSignals(registry: Registry, signals: ScaleSignals): void {
  new Gauge({
    name: "loomcycle_queue_depth",
    help: "Run-queue jobs by state (the whole cluster's on BullMQ; waiting is the scaling metric)",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const depth = await signals.queueDepth();
      for (const [state, count] of Object.entries(depth)) this.set({ state }, count);
    },
  });
  new Gauge({
    name: "loomcycle_runs",
    help: "Unfinished runs of the cluster by status (queued, running, awaiting_input, paused)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await signals.runCounts();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  new Gauge({ name: "loomcycle_runs_live", help: "Runs this process executes now", registers: [registry], collect() { this.set(signals.liveRuns()); } });
  new Gauge({
    name: "loomcycle_run_lease_age_seconds",
    help: "Age of the oldest heartbeat among the cluster's running runs (0 when none runs)",
    registers: [registry],
    async collect() {
      this.set(await signals.leaseAgeSeconds());
    },
  });
}
