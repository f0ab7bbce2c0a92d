import type { RunQueue } from "../../queue/index.ts";
import type { RunExecutor } from "../../service/index.ts";

/** Feeds queued runs to the executor, at most `concurrency` at once. */
export function startRunWorker(options: { queue: RunQueue; executor: RunExecutor; concurrency: number }): void {
  options.queue.consume((job) => options.executor.execute(job.runId), { concurrency: options.concurrency });
}
