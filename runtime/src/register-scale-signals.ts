/**
 * Wiring of the autoscaling gauges (a helper of the composition root, main.ts): it knows which
 * queue adapter was built, so it can ask BullMQ for the whole cluster's job counts.
 */
import { BullmqRunQueue } from "./queue/index.ts";
import type { RunQueue } from "./queue/index.ts";
import { ClusterGauges } from "./service/index.ts";
import type { QueueDepth } from "./service/index.ts";
import type { Store } from "./store/index.ts";
import type { RuntimeMetrics } from "./telemetry/index.ts";

/**
 * Registers `loomcycle_queue_depth`, `loomcycle_runs`, `loomcycle_runs_live` and
 * `loomcycle_run_lease_age_seconds`: queue counts from BullMQ (every process sees the same
 * numbers) or from the embedded queue (this process's), run counts from the store.
 */
export function registerScaleSignals(options: { metrics: RuntimeMetrics; store: Store; queue: RunQueue; liveRuns: () => number }): void {
  const { queue } = options;
  const queueDepth = queue instanceof BullmqRunQueue ? (): Promise<QueueDepth> => queue.jobCounts() : (): Promise<QueueDepth> => Promise.resolve({ ...queue.depth(), delayed: 0 });
  options.metrics.scaleSignals(new ClusterGauges({ stats: options.store.stats, queueDepth, liveRuns: options.liveRuns }));
}
