import { AppError } from "../domain/index.ts";
import type { Logger, Run, RunStatus } from "../domain/index.ts";
import type { RunStateChange, RunStateFeed } from "../queue/index.ts";
import type { RunStore } from "../store/index.ts";
import { AsyncQueue } from "./async-queue.ts";

/** How long a follower sleeps between checks of its signal while no change arrives. */
const IDLE_WAIT_MS = 30_000;

/** The wire `run_state` frame (loomcycle's RunStateEvent). */
export type RunStateFrame = Omit<RunStateChange, "tenant_id">;

/** What a follower wants: some statuses (empty = all), one agent name (absent = all), until `signal` aborts. */
export interface RunStateFilter {
  statuses?: readonly string[];
  agent?: string;
  signal: AbortSignal;
}

export interface RunStatesDeps {
  /** The feed across processes; absent = the user stream is not served (503). */
  feed?: RunStateFeed;
  store: Pick<RunStore, "getRun">;
  logger: Logger;
}

/**
 * The run-state changes of a tenant's users: every place that moves a run's status calls
 * `changed` (fire and forget: it never fails the run), and GET /v1/users/{id}/agents/stream
 * `follow`s one user. Runs without a user publish nothing.
 */
export class RunStates {
  private readonly deps: RunStatesDeps;

  constructor(deps: RunStatesDeps) {
    this.deps = deps;
  }

  /** Publishes that `run` is now `status` (its row's stop_reason and error unless `extra` says otherwise). */
  changed(run: Run, status: RunStatus, extra: { stop_reason?: string | null; error?: string | null } = {}): void {
    const feed = this.deps.feed;
    if (feed === undefined || run.user_id === null) return;
    try {
      feed.publish({
        tenant_id: run.tenant_id,
        run_id: run.id,
        agent_id: run.agent_id,
        agent: run.agent,
        user_id: run.user_id,
        parent_agent_id: run.parent_agent_id,
        status,
        stop_reason: extra.stop_reason !== undefined ? extra.stop_reason : run.stop_reason,
        error: extra.error !== undefined ? extra.error : run.error,
        ts: new Date().toISOString(),
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, run_id: run.id }, "publishing a run state change failed");
    }
  }

  /** Publishes the changes of runs known by id only (the stale sweeps): reads their rows first. Never throws. */
  async changedIds(byStatus: Partial<Record<RunStatus, readonly string[]>>): Promise<void> {
    if (this.deps.feed === undefined) return;
    for (const [status, ids] of Object.entries(byStatus) as [RunStatus, readonly string[]][]) {
      const runs = await Promise.all(ids.map((id) => this.deps.store.getRun(id).catch(() => null)));
      for (const run of runs) if (run !== null) this.changed(run, status);
    }
  }

  /**
   * Follows the changes of a tenant's user's runs that match `filter`. Resolves once the
   * subscription is live (a change published afterwards is delivered), so the caller announces
   * the stream only then. Ends when `filter.signal` aborts; the subscription goes with it.
   */
  async follow(tenantId: string, userId: string, filter: RunStateFilter): Promise<AsyncIterable<RunStateFrame>> {
    const feed = this.deps.feed;
    if (feed === undefined) throw new AppError("UNAVAILABLE", "the run state feed is not configured on this runtime");
    const queue = new AsyncQueue<RunStateFrame>();
    const unsubscribe = feed.subscribe(tenantId, userId, (change) => {
      if (change.tenant_id === tenantId && change.user_id === userId && matches(change, filter)) queue.push(toFrame(change));
    });
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      unsubscribe();
    };
    filter.signal.addEventListener("abort", release, { once: true });
    if (filter.signal.aborted) release();
    await feed.ready?.(tenantId, userId);
    return drain(queue, filter.signal, release);
  }
}

function matches(change: RunStateChange, filter: RunStateFilter): boolean {
  if (filter.statuses !== undefined && filter.statuses.length > 0 && !filter.statuses.includes(change.status)) return false;
  return filter.agent === undefined || filter.agent === "" || filter.agent === change.agent;
}

function toFrame(change: RunStateChange): RunStateFrame {
  const { tenant_id: _, ...frame } = change;
  return frame;
}

async function* drain(queue: AsyncQueue<RunStateFrame>, signal: AbortSignal, release: () => void): AsyncGenerator<RunStateFrame> {
  try {
    while (!signal.aborted) {
      const frame = await queue.next(IDLE_WAIT_MS, signal);
      if (frame !== undefined) yield frame;
    }
  } finally {
    release();
  }
}
