import { createHash } from "node:crypto";
import { AppError, isAppError } from "../domain/index.ts";
import type { Run, RunLineage, RunOptions } from "../domain/index.ts";
import type { ChildOutcome, ChildSpec, SpawnRequest, SubAgentPort } from "../tools/index.ts";
import type { RunExecutor } from "./run-executor.ts";
import { isParkAbort } from "./run-parking.ts";
import type { RunResult, RunService } from "./run-service.ts";
import type { ServiceDeps, StartRunRequest } from "./types.ts";

/** loomcycle's depth cap: a run this many spawns deep may not spawn again. */
export const MAX_SPAWN_DEPTH = 16;

/** One child of a spawn, with everything needed to start or follow it. */
interface ChildJob {
  parent: Run;
  request: SpawnRequest;
  child: ChildSpec;
  index: number;
}

/**
 * Sub-agents (the Agent tool's port). Each child is a real stored run (fresh session, the
 * parent's tenant and user, lineage recorded) that the parent's process claims and executes
 * inline through the RunExecutor instead of the queue, so parents waiting on children cannot
 * starve the worker pool. Child agent_ids are derived from (parent run, tool call, index): a
 * resumed parent that re-executes the call finds its children and follows them instead of
 * starting them again.
 */
export class SubAgentService implements SubAgentPort {
  private readonly deps: ServiceDeps;
  private readonly runs: RunService;
  private readonly executor: RunExecutor;

  constructor(deps: ServiceDeps, runs: RunService, executor: RunExecutor) {
    this.deps = deps;
    this.runs = runs;
    this.executor = executor;
  }

  async spawn(request: SpawnRequest): Promise<ChildOutcome[]> {
    const parent = await this.deps.store.getRun(request.parent.runId);
    if (parent === null) throw new AppError("NOT_FOUND", `run ${request.parent.runId} not found`);
    if (parent.depth >= MAX_SPAWN_DEPTH) {
      throw new AppError(
        "INVALID_ARGUMENT",
        `cannot spawn: this run is already ${parent.depth} sub-agents deep and the depth cap is ${MAX_SPAWN_DEPTH}; do this work yourself instead of delegating it`,
      );
    }
    const limit = this.deps.agents.get(parent.agent, parent.tenant_id).max_concurrent_children;
    return mapLimited(request.children, limit, (child, index) => this.runChild({ parent, request, child, index }));
  }

  /** Starts (or, after a resume, finds) one child and follows it to its end; never throws. */
  private async runChild(job: ChildJob): Promise<ChildOutcome> {
    const agentId = childAgentId(job.parent.id, job.request.parent.callId, job.index);
    const failed = (error: string): ChildOutcome => ({ ok: false, output: "", error, agent_id: agentId, run_id: null });
    if (isParkAbort(job.request.signal.reason)) throw job.request.signal.reason;
    if (job.request.signal.aborted) return failed("cancelled: the parent run was cancelled before this sub-agent started");
    try {
      const run = (await this.deps.store.tenantScoped.getRunByAgentId(job.parent.tenant_id, agentId)) ?? (await this.startChild(job, agentId));
      return outcomeOf(await this.follow(run, job.request.signal));
    } catch (error) {
      if (isParkAbort(error)) throw error;
      if (isAppError(error, "UNKNOWN_AGENT")) return failed(`agent "${job.child.name}" does not exist; spawn an agent this runtime configures`);
      this.deps.logger.warn({ err: error, parent_run_id: job.parent.id, agent_id: agentId }, "sub-agent could not run");
      return failed((error as Error).message);
    }
  }

  private startChild(job: ChildJob, agentId: string): Promise<Run> {
    const { parent, child } = job;
    // The child acts for the same user: it gets the parent's per-run credentials (process memory only).
    const credentials = this.runs.secrets.get(parent.id);
    const request: StartRunRequest = {
      agent: child.name,
      segments: [{ role: "user", content: [{ type: "text", text: child.prompt }] }],
      agent_id: agentId,
      tenant_id: parent.tenant_id,
      ...(parent.user_id === null ? {} : { user_id: parent.user_id }),
      options: childOptions(parent.options, job.request.allowedHosts),
      ...(credentials === undefined ? {} : { credentials }),
    };
    const lineage: RunLineage = { parent_run_id: parent.id, parent_agent_id: parent.agent_id, root_run_id: parent.root_run_id, depth: parent.depth + 1 };
    return this.runs.createChildRun(request, lineage);
  }

  /**
   * Executes a queued child here (a no-op when someone else already claimed it) and waits for
   * its end. The parent's abort cancels the child and, through the cascade, its own children.
   */
  private async follow(run: Run, signal: AbortSignal): Promise<RunResult> {
    // A parking parent stops waiting (its children park too, and it follows them again when it
    // resumes); a cancelled parent cancels its children and waits for them to end.
    const parked = new AbortController();
    const onAbort = (): void => {
      if (isParkAbort(signal.reason)) return parked.abort(signal.reason);
      this.runs.cancelByAgentId(run.tenant_id, run.agent_id).catch((error: unknown) => this.deps.logger.warn({ err: error, run_id: run.id }, "sub-agent cancel failed"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal.aborted) onAbort();
      if (run.status === "queued" && !parked.signal.aborted) await this.executor.execute(run.id);
      const result = await this.runs.waitForResult(run.id, parked.signal);
      // No result for the parent's call: it runs again when the parent resumes.
      if (parked.signal.aborted) throw parked.signal.reason;
      return result;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }
}

/**
 * The child's options: the parent's user tier, its caller's tool narrowing, and the hosts the
 * parent may reach (so the child's network can only narrow, never widen).
 */
function childOptions(parent: RunOptions, allowedHosts: readonly string[]): RunOptions {
  return {
    ...(parent.user_tier === undefined ? {} : { user_tier: parent.user_tier }),
    ...(parent.tools === undefined ? {} : { tools: [...parent.tools] }),
    allowed_hosts: [...allowedHosts],
  };
}

/** `sub-` + a hash of (parent run, tool call, index): stable across a resumed parent, within loomcycle's handle charset. */
export function childAgentId(parentRunId: string, callId: string, index: number): string {
  const digest = createHash("sha256").update(`${parentRunId}\u0000${callId}\u0000${index}`).digest("hex");
  return `sub-${digest.slice(0, 40)}`;
}

function outcomeOf(result: RunResult): ChildOutcome {
  const { run, finalText } = result;
  const base = { agent_id: run.agent_id, run_id: run.id };
  if (run.status === "completed") return { ...base, ok: true, output: finalText, error: null };
  const reason = run.status === "cancelled" ? "the sub-agent was cancelled" : `the sub-agent ${run.status}: ${run.error ?? run.stop_reason ?? "no reason recorded"}`;
  return { ...base, ok: false, output: finalText, error: reason };
}

/** Maps items through `work`, at most `limit` at a time, keeping results index-aligned. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
