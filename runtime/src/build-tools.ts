/**
 * Composition root for the built-in tools: builds each one with the services and adapters it
 * needs and registers it. Every built-in is registered; each refuses every call until the
 * operator grants what it needs (volumes, hosts, LOOMCYCLE_BASH_ENABLED…) and an agent lists it
 * in `tools:`.
 */
import type { Config } from "./config/index.ts";
import type { RunService } from "./service/index.ts";
import type { AgentCatalog, EvaluationService } from "./service/index.ts";
import { createContextTool, createBashTool, createSearxngBackend, createWebSearchTool, fsTools, httpTool, webFetchTool } from "./tools/index.ts";
import type { ToolRegistry } from "./tools/index.ts";
import { createEvaluationTool } from "./tools/index.ts";
import { createSkillTool } from "./tools/index.ts";
import { createMemoryTool } from "./tools/index.ts";
import type { MemoryPort } from "./tools/index.ts";
import { createAgentTool } from "./tools/index.ts";
import type { SubAgentPort } from "./tools/index.ts";
import { createInterruptionTool } from "./tools/index.ts";
import type { InterruptionPort } from "./tools/index.ts";
import { createChannelTool } from "./tools/index.ts";
import type { ChannelPort } from "./tools/index.ts";

/** What the built-in tools are built from. */
export interface BuiltinToolDeps {
  config: Config;
  runs: RunService;
  /** Agent definitions: the Skill and Context tools read an agent's `skills:` patterns. */
  agents: AgentCatalog;
  evaluations: EvaluationService;
  /** Scoped key-value and vector memory for the Memory tool (service/MemoryService). */
  memory: MemoryPort;
  /** Runs sub-agents for the Agent tool (service/SubAgentService). */
  subAgents: SubAgentPort;
  /** Asks and notifies the run's human for the Interruption tool (service/InterruptService). */
  interrupts: InterruptionPort;
  /** Channels for the Channel tool (service/ChannelService). */
  channels: ChannelPort;
}

/** Registers every built-in tool. Called once the services exist, before any run executes. */
export function registerBuiltinTools(tools: ToolRegistry, deps: BuiltinToolDeps): void {
  const { config } = deps;
  const skillPatterns = skillPatternsOf(deps.agents);
  tools.register(createContextTool({ skillPatterns }));
  tools.register(createSkillTool({ skillsDir: config.skillsDir, skillPatterns }));
  for (const tool of fsTools) tools.register(tool);
  tools.register(httpTool);
  tools.register(webFetchTool);
  const searxng = config.network.searxngUrl;
  tools.register(createWebSearchTool(searxng === null ? null : createSearxngBackend({ baseUrl: searxng })));
  tools.register(createBashTool({ enabled: config.bash.enabled, env: process.env }));
  tools.register(createEvaluationTool(deps.evaluations));
  tools.register(createMemoryTool(deps.memory));
  tools.register(createAgentTool(deps.subAgents));
  tools.register(createInterruptionTool(deps.interrupts));
  tools.register(createChannelTool(deps.channels));
}

/** An agent's `skills:` patterns by name (undefined for an agent the catalog does not know). */
function skillPatternsOf(agents: AgentCatalog): (agent: string) => readonly string[] | undefined {
  return (agent) => {
    try {
      return agents.get(agent).skills;
    } catch {
      return undefined;
    }
  };
}
