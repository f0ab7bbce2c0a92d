import type { DefinitionOpRequest } from "../../../domain/index.ts";

/** The run a Def tool call comes from; the service derives the tenant and the author from it. */
export interface DefinitionToolCaller {
  tenantId: string;
  runId: string;
  agent: string;
  agentId: string;
  userId: string | null;
  tools: readonly string[];
}

/**
 * What the AgentDef / SkillDef tools need from the definition service (wired in build-tools.ts).
 * The service checks the agent's grants; refusals are thrown as AppErrors whose messages the
 * tool hands to the model.
 */
export interface DefinitionPort {
  dispatchAsAgent(kind: "agent" | "skill", request: DefinitionOpRequest, caller: DefinitionToolCaller): Promise<Record<string, unknown>>;
}
