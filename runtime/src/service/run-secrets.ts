import type { RunCredentials } from "../domain/index.ts";

/** A run whose entry outlives this without finishing here is forgotten anyway (it went elsewhere or is stuck). */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The process-local vault of per-run credentials (`user_bearer`, `user_credentials`), keyed by
 * run id. Never written to the store, the event log or logs; an entry is dropped when its run
 * ends here. So a run resumed by another process (after a crash) runs without credentials:
 * persisting them encrypted comes with tenancy.
 */
export class RunSecrets {
  private readonly entries = new Map<string, { credentials: RunCredentials; at: number }>();

  /** Keeps a run's credentials; nothing is kept when there are none. */
  set(runId: string, credentials: RunCredentials | undefined): void {
    this.sweep();
    if (credentials === undefined || (credentials.user_bearer === undefined && credentials.user_credentials === undefined)) return;
    this.entries.set(runId, { credentials, at: Date.now() });
  }

  get(runId: string): RunCredentials | undefined {
    return this.entries.get(runId)?.credentials;
  }

  drop(runId: string): void {
    this.entries.delete(runId);
  }

  /** How many runs hold credentials now (tests). */
  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const cutoff = Date.now() - MAX_AGE_MS;
    for (const [runId, entry] of this.entries) if (entry.at < cutoff) this.entries.delete(runId);
  }
}
