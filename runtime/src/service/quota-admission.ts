import { AppError, QUOTA_RETRY_AFTER_SECONDS } from "../domain/index.ts";
import type { RunLineage, RunQuota, Session } from "../domain/index.ts";
import type { QueueSlot, RunQueue } from "../queue/index.ts";
import type { RunAdmission } from "../store/index.ts";
import type { ServiceDeps } from "./types.ts";

/**
 * The concurrency quotas a top-level run is created under (checked atomically by the store), or
 * undefined when neither is set. Sub-agent runs are never counted: they share their root's slot.
 */
export function runQuota(settings: ServiceDeps["concurrency"]): RunQuota | undefined {
  const maxPerUser = settings?.maxConcurrentRunsPerUser ?? 0;
  const maxPerTenant = settings?.maxConcurrentRunsPerTenant ?? 0;
  return maxPerUser > 0 || maxPerTenant > 0 ? { maxPerUser, maxPerTenant } : undefined;
}

/**
 * What the store creates a run under: the new session in the run's transaction (none when the
 * run continues `existing`), and the quotas for a top-level run (a sub-agent has `lineage`).
 */
export function runAdmission(input: { existing: Session | null; created: Session; lineage: RunLineage | undefined; settings: ServiceDeps["concurrency"] }): RunAdmission {
  const quota = input.lineage === undefined ? runQuota(input.settings) : undefined;
  return { ...(input.existing === null ? { session: input.created } : {}), ...(quota === undefined ? {} : { quota }) };
}

/**
 * Holds a place in the run queue before anything is written, or refuses the run with
 * BACKPRESSURE (429, Retry-After) when `max_queue_depth` runs already wait for a worker.
 */
export function reserveQueueSlot(queue: RunQueue): QueueSlot {
  if (queue.reserve === undefined) return { enqueue: (job) => queue.enqueue(job), release: () => undefined };
  const slot = queue.reserve();
  if (slot !== null) return slot;
  const { waiting, active } = queue.depth();
  throw new AppError("BACKPRESSURE", `the run queue is full: ${waiting} runs wait for a worker while ${active} run (max_queue_depth); retry shortly`, {
    retryable: true,
    details: { retry_after_seconds: QUOTA_RETRY_AFTER_SECONDS },
  });
}
