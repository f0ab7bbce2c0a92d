import type { RunQueue } from "../../queue/index.ts";
import type { RunExecutor } from "../../service/index.ts";
import type { Logger } from "../../domain/index.ts";

/** Feeds queued runs to the executor, at most `concurrency` at once. */
export function startRunWorker(options: { queue: RunQueue; executor: RunExecutor; concurrency: number }): void {
  options.queue.consume((job) => options.executor.execute(job.runId), { concurrency: options.concurrency });
}

/**
 * The worker's recovery sweep, for a queue that deduplicates by run id (BullMQ): every interval
 * it takes back runs whose process died and enqueues every run still queued in Postgres, so a
 * run whose enqueue failed after its commit (Redis away) or whose job was lost is executed.
 * Returns the stop function.
 */
export function startQueueSweep(options: { executor: RunExecutor; intervalMs: number; logger: Logger }): () => void {
  const { executor, logger } = options;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    executor
      .recover({ exclusive: false })
      .then((result) => {
        if (result.resumed.length > 0) logger.warn({ runs: result.resumed }, "resuming runs whose process stopped");
      })
      .catch((error: unknown) => logger.warn({ err: error }, "queue sweep failed"))
      .finally(() => (running = false));
  }, options.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
