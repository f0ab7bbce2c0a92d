import type { Tool, ToolContext, ToolResult } from "../tool.ts";

/**
 * Context: lets an agent look at itself (loomcycle's `Context op=self`). Read-only and
 * side-effect free, so it is safe to enable by default; later issues add more ops.
 */
export const contextTool: Tool = {
  name: "Context",
  description: "Introspect the current run. op=self returns the agent, run and session ids and the tools this run may call.",
  inputSchema: {
    type: "object",
    properties: { op: { type: "string", enum: ["self"], description: "What to report. Only `self` for now." } },
    required: ["op"],
    additionalProperties: false,
  },
  execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    if (input["op"] !== "self") {
      return Promise.resolve({ text: `Context: unknown op ${JSON.stringify(input["op"])}; supported: self`, is_error: true });
    }
    const self = {
      agent: context.agent,
      agent_id: context.agentId,
      run_id: context.runId,
      session_id: context.sessionId,
      user_id: context.userId,
      tools: context.tools,
    };
    return Promise.resolve({ text: JSON.stringify(self), is_error: false });
  },
};
