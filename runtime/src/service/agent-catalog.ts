import { AppError } from "../domain/index.ts";
import type { Agent } from "../domain/index.ts";

/**
 * The agents a run may name. Static for now (config file + agents directory + the builtin
 * default); the definitions issue adds versioned, runtime-mutable ones behind the same calls.
 */
export class AgentCatalog {
  private readonly agents: Map<string, Agent>;

  constructor(agents: readonly Agent[]) {
    this.agents = new Map(agents.map((agent) => [agent.name, agent]));
  }

  list(): Agent[] {
    return [...this.agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The agent, or UNKNOWN_AGENT naming the ones that exist. */
  get(name: string): Agent {
    const agent = this.agents.get(name);
    if (agent === undefined) {
      const known = [...this.agents.keys()].sort().join(", ");
      throw new AppError("UNKNOWN_AGENT", `unknown agent "${name}"; configured agents: ${known}`, { details: { field: "agent" } });
    }
    return agent;
  }
}
