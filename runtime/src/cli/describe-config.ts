import type { Config } from "../config/index.ts";

/** `embedded (PGlite in <dir>)` or `postgres`: the store kind without any credential. */
export function storeKind(config: Config): string {
  return config.databaseUrl === null ? `embedded (PGlite in ${config.dataDir})` : `postgres (${postgresHost(config.databaseUrl)})`;
}

function postgresHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return "LOOMCYCLE_DATABASE_URL";
  }
}

/** `2 agents (default, writer)`. */
export function agentSummary(config: Config): string {
  const count = config.agents.length;
  return `${count} agent${count === 1 ? "" : "s"} (${config.agents.map((agent) => agent.name).join(", ")})`;
}

/** ` · role: worker · queue: redis` in cluster mode (never the Redis URL, which may hold a password); empty when embedded. */
export function roleSummary(config: Config): string {
  const cluster = config.cluster;
  if (cluster === undefined || (cluster.role === "all" && cluster.redisUrl === null)) return "";
  const role = cluster.role === "worker" ? "worker (health and metrics only)" : cluster.role;
  return ` · role: ${role} · queue: ${cluster.redisUrl === null ? "in-process" : `redis (${cluster.redisPrefix})`}`;
}
