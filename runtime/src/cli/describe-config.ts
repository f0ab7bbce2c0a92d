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
