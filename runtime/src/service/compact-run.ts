import { AppError, TERMINAL_STATUSES } from "../domain/index.ts";
import type { Run, StoredEvent } from "../domain/index.ts";
import { compactContext, estimateTokens, replayTranscript } from "../loop/index.ts";
import { compactionFor, requestTransformFor, routeFor } from "./run-setup.ts";
import type { ServiceDeps } from "./types.ts";

/** The answer to POST /v1/runs/{id}/compact (loomcycle shape). */
export interface CompactRunResult {
  run_id: string;
  compacted: boolean;
  before_tokens: number;
  after_tokens: number;
  applied: "marker" | "noop";
}

/**
 * Manual compaction of a finished run: summarizes the session's conversation now and appends
 * the `context_compaction` event to the run's log after its terminal event (the marker). The
 * next continuation's replay meets it at that place and starts from the compacted context.
 * A run that is queued or running answers RUN_NOT_PARKED; only the session's latest run may be
 * compacted, so the marker always sits at the end of the history.
 */
export async function compactFinishedRun(deps: ServiceDeps, options: { tenantId: string; runId: string; reason?: string }): Promise<CompactRunResult> {
  const { run, events } = await loadParkedRun(deps, options);
  const agent = deps.agents.get(run.agent, run.tenant_id);
  const { messages } = replayTranscript(events);
  const model = routeFor(deps, run, agent).current();
  const compaction = compactionFor(deps, run, agent);
  const result = await compactContext({
    messages,
    system: agent.system_prompt,
    policy: compaction.policy,
    summarizer: compaction.summarizer ?? model,
    windowTokens: lastWindow(events) || (model.capabilities?.maxContextTokens ?? 0),
    trigger: "manual",
    metadata: { ...run.metadata, ...(options.reason ? { compaction_reason: options.reason } : {}) },
    signal: AbortSignal.timeout(deps.limits.headerTimeoutMs + deps.limits.idleTimeoutMs * 10),
    limits: deps.limits,
    transformRequest: requestTransformFor(deps),
  });
  if (result === null) {
    const tokens = estimateTokens(messages, agent.system_prompt);
    return { run_id: run.id, compacted: false, before_tokens: tokens, after_tokens: tokens, applied: "noop" };
  }
  const seq = (await deps.store.lastSeq(run.id)) + 1;
  const marker: StoredEvent = { run_id: run.id, session_id: run.session_id, seq, ts_ms: Date.now(), event: { type: "context_compaction", context_compaction: result.event } };
  await deps.store.appendEvents([marker]);
  const { before_tokens, after_tokens } = result.event;
  return { run_id: run.id, compacted: true, before_tokens, after_tokens, applied: "marker" };
}

/** The run and its session's events; refuses a run that is not finished or not the session's latest. */
async function loadParkedRun(deps: ServiceDeps, { tenantId, runId }: { tenantId: string; runId: string }): Promise<{ run: Run; events: StoredEvent[] }> {
  const run = await deps.store.tenantScoped.getRun(tenantId, runId);
  if (run === null) throw new AppError("NOT_FOUND", `run ${runId} not found`, { details: { field: "run_id" } });
  if (!TERMINAL_STATUSES.has(run.status)) throw new AppError("RUN_NOT_PARKED", `run ${run.id} is ${run.status}; compact it after it finishes`);
  const events = await deps.store.listSessionEvents(run.session_id);
  if (events.at(-1)?.run_id !== run.id) {
    throw new AppError("INVALID_ARGUMENT", `run ${run.id} is not the latest run of session ${run.session_id}; compact that one`, { details: { field: "run_id" } });
  }
  return { run, events };
}

/** The window the session's last model call reported; 0 when none did. */
function lastWindow(events: readonly StoredEvent[]): number {
  for (let index = events.length - 1; index >= 0; index--) {
    const event = events[index]?.event;
    if (event?.type === "usage" && (event.usage.max_context_tokens ?? 0) > 0) return event.usage.max_context_tokens ?? 0;
  }
  return 0;
}
