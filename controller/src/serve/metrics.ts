import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ControllerMetrics, Leadership, ReconcileOutcome } from "../reconcile/index.ts";

/** The controller's Prometheus registry: process defaults plus the reconcile, queue and leader series. */
export interface Metrics {
  registry: Registry;
  /** What each kind's control loop reports into. */
  controller: ControllerMetrics;
  /** Keeps `loomcycle_controller_leader` at 1 while `leadership` leads, else 0; returns an unsubscribe. */
  trackLeadership(leadership: Leadership): () => void;
}

/** Builds a fresh registry (one per process; tests may build several). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reconcileTotal = new Counter({
    name: "loomcycle_controller_reconcile_total",
    help: "Reconciles by kind and result (success, requeue_after, error, terminal_error).",
    labelNames: ["kind", "result"],
    registers: [registry],
  });
  const reconcileDuration = new Histogram({
    name: "loomcycle_controller_reconcile_duration_seconds",
    help: "Time one reconcile took, by kind.",
    labelNames: ["kind"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const queueDepth = new Gauge({ name: "loomcycle_controller_workqueue_depth", help: "Keys waiting in a kind's work queue.", labelNames: ["kind"], registers: [registry] });
  const leader = new Gauge({ name: "loomcycle_controller_leader", help: "1 while this replica holds the leader Lease, else 0.", registers: [registry] });
  leader.set(0);
  const controller: ControllerMetrics = {
    observeReconcile(kind: string, outcome: ReconcileOutcome, seconds: number): void {
      reconcileTotal.inc({ kind, result: outcome });
      reconcileDuration.observe({ kind }, seconds);
    },
    setQueueDepth(kind: string, depth: number): void {
      queueDepth.set({ kind }, depth);
    },
  };
  return { registry, controller, trackLeadership: (leadership) => leadership.onChange((leading) => leader.set(leading ? 1 : 0)) };
}
