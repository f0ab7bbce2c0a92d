import { ROLES } from "./env.ts";
import type { EnvSettings } from "./env.ts";
import type { ConfigIssue } from "./format-issues.ts";
import type { ClusterConfig } from "./schema.ts";

/**
 * The process role and cluster backends. `--role` wins over LOOMCYCLE_ROLE (default `all`).
 * Redis selects the cluster queue and event bus, which share state only through Postgres, so
 * Redis without LOOMCYCLE_DATABASE_URL is refused; so is a split role (api, worker) without
 * both, since an api process alone would accept runs nobody executes.
 */
export function clusterConfig(options: { settings: EnvSettings; roleFlag: string | undefined; issues: ConfigIssue[] }): ClusterConfig {
  const { settings, issues } = options;
  const role = roleFromFlag(options.roleFlag, issues) ?? settings.LOOMCYCLE_ROLE ?? "all";
  const redisUrl = settings.LOOMCYCLE_REDIS_URL ?? null;
  if (redisUrl !== null && settings.LOOMCYCLE_DATABASE_URL === undefined) {
    issues.push({ path: "LOOMCYCLE_REDIS_URL", message: "the cluster queue needs a shared store: set LOOMCYCLE_DATABASE_URL too (Postgres)" });
  }
  if (role !== "all" && redisUrl === null) {
    issues.push({ path: "--role", message: `role ${role} runs beside other processes: set LOOMCYCLE_REDIS_URL and LOOMCYCLE_DATABASE_URL (or use --role=all)` });
  }
  return { role, redisUrl, redisPrefix: settings.LOOMCYCLE_REDIS_PREFIX, sweepIntervalMs: settings.LOOMCYCLE_QUEUE_SWEEP_INTERVAL_MS };
}

/** `--role`, if given and valid; an unknown role is an issue naming the flag. */
function roleFromFlag(flag: string | undefined, issues: ConfigIssue[]): ClusterConfig["role"] | undefined {
  if (flag === undefined) return undefined;
  const role = ROLES.find((candidate) => candidate === flag.toLowerCase());
  if (role === undefined) issues.push({ path: "--role", message: `expected one of ${ROLES.join(", ")}, got ${JSON.stringify(flag)}` });
  return role;
}
