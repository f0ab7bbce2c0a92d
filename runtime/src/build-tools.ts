/**
 * Composition root for the built-in tools: builds each one with the services and adapters it
 * needs and registers it. Every built-in is registered; each refuses every call until the
 * operator grants what it needs (volumes, hosts, LOOMCYCLE_BASH_ENABLED…) and an agent lists it
 * in `tools:`.
 */
import type { Config } from "./config/index.ts";
import type { RunService, AgentCatalog, EvaluationService, DefinitionService } from "./service/index.ts";
import { createContextTool, createBashTool, createSearxngBackend, createWebSearchTool, fsTools, httpTool, webFetchTool, createEvaluationTool, createSkillTool, createMemoryTool, createAgentTool, createInterruptionTool, createChannelTool, createAgentDefTool, createSkillDefTool } from "./tools/index.ts";
import type { ToolRegistry, MemoryPort, SubAgentPort, InterruptionPort, ChannelPort, SkillDefSource } from "./tools/index.ts";
import type { DefinitionRecord } from "./domain/index.ts";

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
  /** The definition substrate: the AgentDef / SkillDef tools, and stored skills for the Skill tool. */
  definitions: DefinitionService;
}

/** Registers every built-in tool. Called once the services exist, before any run executes. */
export function registerBuiltinTools(tools: ToolRegistry, deps: BuiltinToolDeps): void {
  const { config } = deps;
  const skillPatterns = skillPatternsOf(deps.agents);
  tools.register(createContextTool({ skillPatterns }));
  tools.register(createSkillTool({ skillsDir: config.skillsDir, skillPatterns, skillDefs: storedSkills(deps.definitions) }));
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
  tools.register(createAgentDefTool(deps.definitions));
  tools.register(createSkillDefTool(deps.definitions));
}

/** The tenant's active SkillDef versions as the Skill tool reads skills. */
function storedSkills(definitions: DefinitionService): SkillDefSource {
  const toSkill = (record: DefinitionRecord): { name: string; description: string; allowedTools: string[]; instructions: string } => ({
    name: record.name,
    description: String(record.definition["description"] ?? ""),
    allowedTools: Array.isArray(record.definition["tools"]) ? record.definition["tools"].map(String) : [],
    instructions: String(record.definition["body"] ?? ""),
  });
  return {
    active: async (tenantId, name) => {
      const record = await definitions.active("skill", tenantId, name);
      return record === null ? null : toSkill(record);
    },
    list: async (tenantId) => (await definitions.activeOf("skill", tenantId)).map(toSkill),
  };
}

/** An agent's `skills:` patterns by name (undefined for an agent the catalog does not know). */
function skillPatternsOf(agents: AgentCatalog): (agent: string, tenantId: string) => readonly string[] | undefined {
  return (agent, tenantId) => {
    try {
      return agents.get(agent, tenantId).skills;
    } catch {
      return undefined;
    }
  };
}
