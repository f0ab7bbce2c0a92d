import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { MAX_PARALLEL_SPAWNS, parseAgentInput } from "./agent-input.ts";
import type { ChildOutcome, ChildSpec, SubAgentPort } from "./sub-agent-port.ts";

const DESCRIPTION =
  "Delegate work to another configured agent, which runs as a sub-agent with its own tools and a fresh conversation. " +
  "op=spawn {name, prompt} runs one and returns its final answer prefixed `[sub-agent agent_id=…]`. " +
  `op=parallel_spawn {spawns: [{name, prompt}, …]} (1–${MAX_PARALLEL_SPAWNS}) runs several concurrently and returns a JSON array, ` +
  "in the same order, of {ok, output, error, agent_id, run_id}. A failed sub-agent is reported, it never stops you.";

const CHILD_SCHEMA = {
  name: { type: "string", description: "Name of the configured agent to run." },
  prompt: { type: "string", description: "What the sub-agent is asked to do; it sees nothing else of your conversation." },
} as const;

/**
 * Agent: spawns sub-agents (loomcycle's `Agent` tool, ops `spawn` and `parallel_spawn`). The
 * service behind the port runs each child as a real stored run of its own, in this process.
 */
export function createAgentTool(subAgents: SubAgentPort): Tool {
  return {
    name: "Agent",
    // Children have deterministic ids (parent run, call id, index): a re-run follows the same children.
    idempotent: true,
    description: DESCRIPTION,
    inputSchema: {
      type: "object",
      properties: {
        op: { type: "string", enum: ["spawn", "parallel_spawn"], description: "spawn (default) or parallel_spawn." },
        ...CHILD_SCHEMA,
        spawns: {
          type: "array",
          minItems: 1,
          maxItems: MAX_PARALLEL_SPAWNS,
          items: { type: "object", properties: CHILD_SCHEMA, required: ["name", "prompt"] },
          description: "parallel_spawn: the sub-agents to run.",
        },
      },
    },
    execute: (input, context) => executeAgent(subAgents, { input, context }),
  };
}

async function executeAgent(subAgents: SubAgentPort, call: { input: Record<string, unknown>; context: ToolContext }): Promise<ToolResult> {
  const parsed = parseAgentInput(call.input);
  if ("error" in parsed) return { text: `Agent: ${parsed.error}`, is_error: true };
  const children = parsed.op === "spawn" ? [parsed.child] : parsed.children;
  let outcomes: ChildOutcome[];
  try {
    outcomes = await spawn(subAgents, children, call.context);
  } catch (error) {
    return { text: `Agent: ${(error as Error).message}`, is_error: true };
  }
  if (parsed.op === "parallel_spawn") return { text: JSON.stringify(outcomes), is_error: false };
  return spawnResult(outcomes[0]);
}

function spawn(subAgents: SubAgentPort, children: readonly ChildSpec[], context: ToolContext): Promise<ChildOutcome[]> {
  return subAgents.spawn({
    parent: { runId: context.runId, callId: context.callId },
    children,
    allowedHosts: context.policy.allowedHosts,
    signal: context.signal,
  });
}

/** One child's outcome as the `spawn` result: its final text, or an error result saying how it ended. */
function spawnResult(outcome: ChildOutcome | undefined): ToolResult {
  if (outcome === undefined) return { text: "Agent: the sub-agent reported nothing", is_error: true };
  const prefix = `[sub-agent agent_id=${outcome.agent_id}] `;
  if (outcome.ok) return { text: prefix + outcome.output, is_error: false };
  return { text: `${prefix}${outcome.error ?? "the sub-agent failed"}`, is_error: true };
}
