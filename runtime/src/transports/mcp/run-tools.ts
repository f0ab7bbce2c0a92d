import { z } from "zod";
import { HANDLE_PATTERN } from "../../domain/index.ts";
import type { RunStatus } from "../../domain/index.ts";
import { runStatusDoc, transcriptDoc } from "./run-docs.ts";
import { spawnRunTool } from "./spawn-run.ts";
import { defineTool } from "./tool-kit.ts";
import type { McpServices, McpTool } from "./tool-kit.ts";

const STATUSES = ["queued", "running", "completed", "failed", "cancelled", "interrupted"] as const satisfies readonly RunStatus[];
/** The most rows list_runs answers (loomcycle's cap). */
const MAX_LIST_LIMIT = 200;

const Handle = z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -");
const AgentInput = z.strictObject({ agent_id: Handle });
const AgentReasonInput = z.strictObject({ agent_id: Handle, reason: z.string().optional() });
const ListInput = z.strictObject({
  user_id: Handle,
  status: z.array(z.enum(STATUSES)).optional().describe("only runs in these statuses"),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).optional(),
});
const TranscriptInput = z.strictObject({ session_id: z.string().min(1) });
const RunInputInput = z.strictObject({
  run_id: z.string().min(1),
  text: z.string().max(100_000).refine((text) => text.trim() !== "", "must not be empty"),
  source: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "1-64 characters of A-Z a-z 0-9 _ . -").optional(),
});

/** The run tools, each over the service call of the HTTP route named in its comment, with that route's scope. */
export function runTools(services: McpServices): McpTool[] {
  const { runs } = services;
  return [
    spawnRunTool(services),
    // GET /v1/agents/{id}
    defineTool({
      name: "get_run",
      description: "The status document of the newest run holding this agent_id.",
      input: AgentInput,
      scope: "runs:read",
      run: async ({ agent_id }, { principal }) => {
        const view = await runs.getByAgentId(principal.tenantId, agent_id);
        return runStatusDoc(view.run, view.live);
      },
    }),
    // GET /v1/users/{id}/agents
    defineTool({
      name: "list_runs",
      description: "A user's runs, newest first.",
      input: ListInput,
      scope: "runs:read",
      run: async ({ user_id, status, limit }, { principal }) => {
        const views = await runs.listUserRuns(principal.tenantId, user_id, status);
        return { agents: views.slice(0, limit ?? MAX_LIST_LIMIT).map((view) => runStatusDoc(view.run, view.live)) };
      },
    }),
    // POST /v1/agents/{id}/cancel
    defineTool({
      name: "cancel_run",
      description: "Cancel the newest run holding this agent_id, and its sub-agents.",
      input: AgentReasonInput,
      scope: "runs:create",
      run: async ({ agent_id, reason }, { principal }) => {
        const { cancelled, run, cascaded, acknowledged } = await runs.cancelByAgentId(principal.tenantId, agent_id, reason);
        return { cancelled, cancelled_count: (cancelled ? 1 : 0) + cascaded.length, agent_id, run_id: run.id, cascaded, status: run.status, acknowledged };
      },
    }),
    // GET /v1/sessions/{id}/transcript
    defineTool({
      name: "get_transcript",
      description: "A session's whole event log.",
      input: TranscriptInput,
      scope: "runs:read",
      run: async ({ session_id }, { principal }) => {
        const { session, events } = await runs.transcript(principal.tenantId, session_id);
        return transcriptDoc(session, events);
      },
    }),
    // POST /v1/runs/{id}/input
    defineTool({
      name: "run_input",
      description: "Steer a user turn into a run (an interactive or a live one).",
      input: RunInputInput,
      scope: "runs:create",
      run: ({ run_id, text, source }, { principal }) => runs.steering.steer(principal.tenantId, run_id, { text, source: source ?? "mcp" }),
    }),
    // POST /v1/runs/{id}/compact, by agent_id as loomcycle's compact_run
    defineTool({
      name: "compact_run",
      description: "Compact the finished run holding this agent_id: its session's next run starts from a summary.",
      input: AgentReasonInput,
      scope: "runs:create",
      run: async ({ agent_id, reason }, { principal }) => {
        const { run } = await runs.getByAgentId(principal.tenantId, agent_id);
        return runs.compactRun(principal.tenantId, run.id, reason);
      },
    }),
  ];
}
