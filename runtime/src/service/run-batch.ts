import { AppError } from "../domain/index.ts";
import type { RunResult, RunService } from "./run-service.ts";
import type { StartRunRequest } from "./types.ts";

/** loomcycle's cap on one batch (RFC Y). */
export const MAX_BATCH_RUNS = 32;

/** One child of a batch: its result, or the error that kept it from starting (never thrown). */
export type BatchChildResult = { ok: true; result: RunResult } | { ok: false; error: AppError };

/**
 * External fan-out in join mode: starts every run, then waits for all of them. A child that
 * cannot start keeps its error in its slot and never fails the batch; after `timeoutMs`, runs
 * still going are cancelled and reported as they ended. Results are index-aligned.
 */
export async function runBatch(runs: RunService, options: { requests: readonly StartRunRequest[]; timeoutMs?: number }): Promise<BatchChildResult[]> {
  // A paused runtime refuses the whole batch (503 runtime_paused), not each child.
  await runs.gate.admit();
  const started = await Promise.all(options.requests.map((request) => runs.startRun(request).then((value) => value.run, asError)));
  const timer = options.timeoutMs === undefined ? null : setTimeout(() => cancelUnfinished(runs, started), options.timeoutMs);
  try {
    const never = new AbortController().signal;
    return await Promise.all(
      started.map(async (run): Promise<BatchChildResult> => (run instanceof AppError ? { ok: false, error: run } : { ok: true, result: await runs.waitForResult(run.id, never) })),
    );
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

function asError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError("INTERNAL", (error as Error).message, { cause: error });
}

function cancelUnfinished(runs: RunService, started: readonly (Awaited<ReturnType<RunService["startRun"]>>["run"] | AppError)[]): void {
  for (const run of started) {
    if (run instanceof AppError) continue;
    runs.cancelByAgentId(run.tenant_id, run.agent_id).catch(() => undefined);
  }
}
