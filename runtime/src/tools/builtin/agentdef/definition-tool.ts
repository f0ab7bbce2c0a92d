import { DEFINITION_OPS, DefinitionOpRequest, isAppError } from "../../../domain/index.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isRefusal, parseInput, refuse, succeed } from "../fs/tool-input.ts";
import type { DefinitionPort } from "./definition-port.ts";

/** How one Def tool differs from the other: its name, kind and what its grant is called. */
interface DefToolSpec {
  name: "AgentDef" | "SkillDef";
  kind: "agent" | "skill";
  description: string;
  overlay: string;
}

function inputSchema(spec: DefToolSpec): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      op: { type: "string", enum: [...DEFINITION_OPS], description: "create | fork | get | list | retire | promote (alias activate) | verify." },
      name: { type: "string", description: "The definition's name (create, fork, list, verify)." },
      def_id: { type: "string", description: "A version's id (get, retire, promote)." },
      overlay: { type: "object", description: spec.overlay },
      parent_def_id: { type: "string", description: "fork: the version to fork (default: the name's active version)." },
      promote: { type: "boolean", description: "create/fork: make the new version active (default: true on create, false on fork)." },
      content_sha256: { type: "string", description: "verify: the hash to compare with the active version's." },
      retired: { type: "boolean", description: "retire: true (default) retires the version, false restores it." },
    },
    required: ["op"],
    additionalProperties: false,
  };
}

async function execute(call: { spec: DefToolSpec; port: DefinitionPort; input: Record<string, unknown>; context: ToolContext }): Promise<ToolResult> {
  const { spec, context } = call;
  const request = parseInput(spec.name, DefinitionOpRequest, call.input);
  if (isRefusal(request)) return request;
  try {
    const caller = { tenantId: context.tenantId, runId: context.runId, agent: context.agent, agentId: context.agentId, userId: context.userId, tools: context.tools };
    return succeed(JSON.stringify(await call.port.dispatchAsAgent(spec.kind, request, caller)));
  } catch (error) {
    if (isAppError(error) && error.code !== "INTERNAL") return refuse(`${spec.name}: ${error.message}`);
    throw error;
  }
}

/** Reads and state moves (retire, promote) may run again; create and fork write a new version each time. */
function isIdempotentDefinitionOp(input: Record<string, unknown>): boolean {
  return !["create", "fork"].includes(String(input["op"]));
}

/** Builds a Def tool over the definition service: thin input parsing, the service does the rest. */
export function createDefinitionTool(spec: DefToolSpec, port: DefinitionPort): Tool {
  return {
    name: spec.name,
    idempotent: isIdempotentDefinitionOp,
    description: spec.description,
    inputSchema: inputSchema(spec),
    execute: (input, context) => execute({ spec, port, input, context }),
  };
}

/**
 * AgentDef: author and evolve agent definitions (versions with lineage; a fork may only narrow
 * tools). Gated by the agent's `agent_def_scopes`; an agent cannot give another more than it has.
 */
export function createAgentDefTool(port: DefinitionPort): Tool {
  return createDefinitionTool(
    {
      name: "AgentDef",
      kind: "agent",
      description:
        "Author and evolve agent definitions in this tenant. op=create {name, overlay} makes version 1 (active); op=fork {name | parent_def_id, overlay} " +
        "makes a new version with the overlay's fields changed (tools may only narrow; promote:true to activate it); op=promote {def_id} activates a version; " +
        "op=retire {def_id} retires one; op=get {def_id}, op=list {name}, op=verify {name, content_sha256}. Allowed names come from your agent_def_scopes.",
      overlay: "Agent fields: system_prompt, tools, provider, model, tier, description, max_iterations, … (on fork only the fields to change; null removes a field).",
    },
    port,
  );
}
