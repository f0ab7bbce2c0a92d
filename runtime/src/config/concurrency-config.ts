import type { EnvSettings } from "./env.ts";
import type { ConfigFileResult } from "./read-config-file.ts";
import type { ConcurrencyConfig } from "./schema.ts";

/**
 * `concurrency:` resolved: each LOOMCYCLE_MAX_* variable overrides its yaml key; 0 (the default)
 * means unlimited. loomcycle's other keys there (`max_concurrent_runs`, `queue_timeout_ms`) are
 * accepted and not read: LOOMCYCLE_MAX_CONCURRENT_RUNS sets the worker count.
 */
export function concurrencyConfig(configFile: ConfigFileResult | null, settings: EnvSettings): ConcurrencyConfig {
  const file = configFile?.data?.concurrency ?? {};
  const pick = (fromEnv: number | undefined, fromFile: number | undefined): number => fromEnv ?? fromFile ?? 0;
  return {
    maxConcurrentRunsPerUser: pick(settings.LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_USER, file.max_concurrent_runs_per_user),
    maxConcurrentRunsPerTenant: pick(settings.LOOMCYCLE_MAX_CONCURRENT_RUNS_PER_TENANT, file.max_concurrent_runs_per_tenant),
    maxQueueDepth: pick(settings.LOOMCYCLE_MAX_QUEUE_DEPTH, file.max_queue_depth),
  };
}
