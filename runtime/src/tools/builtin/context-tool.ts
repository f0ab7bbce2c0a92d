import type { Tool, ToolContext, ToolResult } from "../tool.ts";

/**
 * Context: lets an agent look at itself (loomcycle's `Context op=self`) and ask for its own
 * context to be compacted (`op=compact`, honoured before the next model call). Safe to enable
 * by default; later issues add more ops.
 */
export const contextTool: Tool = {
  name: "Context",
  description:
    "Introspect the current run. op=self returns the agent, run and session ids, the tools this run may call, " +
    "the volumes the file tools may use and the hosts network tools may reach. " +
    "op=compact summarizes the earlier conversation before your next turn, to free context.",
  inputSchema: {
    type: "object",
    properties: { op: { type: "string", enum: ["self", "compact"], description: "What to do: `self` reports, `compact` compacts the context." } },
    required: ["op"],
    additionalProperties: false,
  },
  execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
    if (input["op"] === "compact") {
      context.requestCompaction();
      return Promise.resolve({ text: "compaction requested: the earlier conversation is summarized before your next turn", is_error: false });
    }
    if (input["op"] !== "self") {
      return Promise.resolve({ text: `Context: unknown op ${JSON.stringify(input["op"])}; supported: self, compact`, is_error: true });
    }
    const self = {
      agent: context.agent,
      agent_id: context.agentId,
      run_id: context.runId,
      session_id: context.sessionId,
      user_id: context.userId,
      tools: context.tools,
      volumes: context.policy.volumes.map((volume) => ({ name: volume.name, root: volume.root, read_only: volume.readOnly })),
      allowed_hosts: context.policy.allowedHosts,
    };
    return Promise.resolve({ text: JSON.stringify(self), is_error: false });
  },
};
