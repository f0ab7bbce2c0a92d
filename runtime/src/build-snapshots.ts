import type { Config } from "./config/index.ts";
import type { Logger } from "./domain/index.ts";
import { SnapshotService } from "./service/index.ts";
import type { AgentCatalog, PauseService, RunService } from "./service/index.ts";
import type { Store } from "./store/index.ts";

/**
 * Snapshots over the store. Restored paused runs resume through RunService.wake unless the
 * runtime is paused; then POST /v1/_resume wakes them with the others.
 */
export function buildSnapshots(options: { config: Config; store: Store; runs: RunService; agents: AgentCatalog; logger: Logger; pause: PauseService }): SnapshotService {
  const { config, store, runs, agents, logger, pause } = options;
  return new SnapshotService({
    store: store.snapshots,
    ...(config.snapshot === undefined ? {} : { maxBytes: config.snapshot.maxBytes }),
    resume: (runIds) => runs.wake({ from: "paused", runIds }),
    isPaused: () => pause.isPaused(),
    onDefinitionsRestored: () => agents.refresh(),
    logger,
  });
}
