import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RunMetrics } from "../service/index.ts";

/** The Prometheus registry of a runtime process and the RunMetrics the service reports into. */
export interface RuntimeMetrics {
  registry: Registry;
  runs: RunMetrics;
  /** Registers a gauge read at scrape time (queue depth, live runs). */
  gauge(name: string, help: string, read: () => number): void;
}

/** Latency buckets (seconds) from 1 ms to 5 min, for run and write durations. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

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
  };
}
