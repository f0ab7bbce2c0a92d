import { AppError, AgentSpec } from "../domain/index.ts";
import type { Agent, DefinitionRecord } from "../domain/index.ts";

/** How often the definitions cache is re-read, so another process's writes show up. */
export const DEFINITION_REFRESH_MS = 3_000;

/** Loads every tenant's active, non-retired agent definitions. */
export type AgentDefinitionLoader = () => Promise<readonly DefinitionRecord[]>;

/** An active agent definition as the runtime serves it; null when its stored definition no longer parses. */
export function agentFromDefinition(record: DefinitionRecord): Agent | null {
  const parsed = AgentSpec.safeParse(record.definition);
  return parsed.success ? { ...parsed.data, source: "definition", def_id: record.def_id } : null;
}

/**
 * The agents a run may name: the static ones (config file, agents directory, the builtin
 * default) and, per tenant, the active AgentDef versions, which override a static agent of the
 * same name for that tenant. get() stays synchronous: definitions are cached in memory, loaded
 * at start, reloaded after every local write and every few seconds.
 */
export class AgentCatalog {
  private readonly agents: Map<string, Agent>;
  private defined = new Map<string, Map<string, Agent>>();
  private loader: AgentDefinitionLoader | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(agents: readonly Agent[]) {
    this.agents = new Map(agents.map((agent) => [agent.name, agent]));
  }

  /** Serves the tenants' agent definitions from `load`: loads them now, then every `refreshMs`. */
  async useDefinitions(load: AgentDefinitionLoader, options: { refreshMs?: number; onError?: (error: unknown) => void } = {}): Promise<void> {
    this.loader = load;
    await this.refresh();
    this.stop();
    this.timer = setInterval(() => void this.refresh().catch((error: unknown) => options.onError?.(error)), options.refreshMs ?? DEFINITION_REFRESH_MS);
    this.timer.unref();
  }

  /** Re-reads the definitions (after a write here, so the writer's next run sees its change). */
  async refresh(): Promise<void> {
    if (this.loader === null) return;
    const next = new Map<string, Map<string, Agent>>();
    for (const record of await this.loader()) {
      const agent = agentFromDefinition(record);
      if (agent === null) continue;
      const tenant = next.get(record.tenant_id) ?? new Map<string, Agent>();
      tenant.set(agent.name, agent);
      next.set(record.tenant_id, tenant);
    }
    this.defined = next;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The static (config / file / builtin) agent of that name: the root a fork bootstraps from. */
  staticAgent(name: string): Agent | undefined {
    return this.agents.get(name);
  }

  /** The static agents, with a tenant's definitions in place of the same names, by name. */
  list(tenantId?: string): Agent[] {
    const merged = new Map(this.agents);
    for (const [name, agent] of tenantId === undefined ? [] : (this.defined.get(tenantId) ?? [])) merged.set(name, agent);
    return [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The tenant's agent of that name (its active definition first), or UNKNOWN_AGENT naming the ones that exist. */
  get(name: string, tenantId: string): Agent {
    const agent = this.defined.get(tenantId)?.get(name) ?? this.agents.get(name);
    if (agent === undefined) {
      const known = this.list(tenantId)
        .map((each) => each.name)
        .join(", ");
      throw new AppError("UNKNOWN_AGENT", `unknown agent "${name}"; configured agents: ${known}`, { details: { field: "agent" } });
    }
    return agent;
  }
}
