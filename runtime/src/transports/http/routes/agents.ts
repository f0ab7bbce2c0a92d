import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RunStatus } from "../../../domain/index.ts";
import { HANDLE_PATTERN } from "../../../domain/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { toRunStatus } from "../contract.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const STATUSES = ["queued", "running", "completed", "failed", "cancelled", "interrupted"] as const satisfies readonly RunStatus[];

const AgentParams = z.object({ agent_id: z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -") });
const UserParams = z.object({ user_id: z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -") });
const StatusQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
});
const CancelBody = z.object({ reason: z.string().optional() }).loose();

/** Run status by caller handle, cancel, a user's runs, and the configured agents. */
export function registerAgentRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const { runs, agents, interrupts } = options;

  app.get("/v1/agents/:agent_id", async (request) => {
    const { agent_id } = parseBody(AgentParams, request.params);
    const view = await runs.getByAgentId(tenantOf(request), agent_id);
    const asking = view.run.status === "running" && (await interrupts.hasPendingAsk(view.run.id));
    return toRunStatus(view.run, view.live, asking ? "interrupted" : "");
  });

  app.post("/v1/agents/:agent_id/cancel", async (request) => {
    const { agent_id } = parseBody(AgentParams, request.params);
    const { reason } = parseBody(CancelBody, request.body ?? {});
    const { cancelled, run, cascaded, acknowledged } = await runs.cancelByAgentId(tenantOf(request), agent_id, reason);
    // `cancelled_count` too: loomcycle's TS client reads that key (inventory Appendix B).
    const count = (cancelled ? 1 : 0) + cascaded.length;
    // `acknowledged`: every running run reached was stopped by the process executing it (within ~1 s).
    return { cancelled, cancelled_count: count, agent_id, run_id: run.id, cascaded, status: run.status, acknowledged, ...(reason === undefined ? {} : { reason }) };
  });

  app.get("/v1/users/:user_id/agents", async (request) => {
    const { user_id } = parseBody(UserParams, request.params);
    const { status } = parseBody(StatusQuery, request.query);
    const views = await runs.listUserRuns(tenantOf(request), user_id, status);
    return { agents: views.map((view) => toRunStatus(view.run, view.live)) };
  });

  app.get("/v1/_runnable-agents", (request) => ({
    agents: agents.list(tenantOf(request)).map((agent) => ({
      name: agent.name,
      source: agent.source,
      description: agent.description,
      provider: agent.provider ?? null,
      model: agent.model ?? null,
      tools: agent.tools,
    })),
  }));
}
