import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { HANDLE_PATTERN, INTERRUPT_STATUSES } from "../../../domain/index.ts";
import type { Interrupt } from "../../../domain/index.ts";
import type { InterruptList } from "../../../service/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const RunParams = z.object({ run_id: z.string().min(1) });
const ResolveParams = z.object({ run_id: z.string().min(1), interrupt_id: z.string().min(1) });
const UserParams = z.object({ user_id: z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -") });
const StatusQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(INTERRUPT_STATUSES)))
    .optional(),
});
const ResolveBody = z.strictObject({
  /** loomcycle clients send `kind: "question"`; it is the only kind that takes an answer. */
  kind: z.literal("question").optional(),
  answer: z.string().max(32_000).optional(),
  disposition: z.enum(["", "answer", "declined"]).default(""),
  resolved_by: z.string().min(1).max(256).optional(),
});

/** One InterruptRow on the wire (loomcycle's shape): timestamps as ISO-8601. */
function toWire(row: Interrupt): Record<string, unknown> {
  return {
    interrupt_id: row.interrupt_id,
    run_id: row.run_id,
    kind: row.kind,
    status: row.status,
    question: row.question,
    options: row.options,
    context_data: row.context_data,
    priority: row.priority,
    answer: row.answer,
    answer_meta: null,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    resolved_at: row.resolved_at?.toISOString() ?? null,
    resolved_by: row.resolved_by,
    user_id: row.user_id,
    agent_id: row.agent_id,
    agent_name: row.agent_name,
  };
}

function toListWire(list: InterruptList): { interrupts: Record<string, unknown>[]; total: number } {
  return { interrupts: list.interrupts.map(toWire), total: list.total };
}

/**
 * Human-in-the-loop: a run's interruptions, a user's inbox (`?status=pending,…`), and resolving a
 * pending question, which wakes the run waiting on it. 404 unknown, 409 no longer pending,
 * 410 expired, 422 an answer outside the options, 400 naming the field for a bad body.
 */
export function registerInterruptRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const { interrupts } = options;

  app.get("/v1/runs/:run_id/interrupts", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const { status } = parseBody(StatusQuery, request.query);
    return toListWire(await interrupts.listForRun(tenantOf(request), run_id, status));
  });

  app.get("/v1/users/:user_id/interrupts", async (request) => {
    const { user_id } = parseBody(UserParams, request.params);
    const { status } = parseBody(StatusQuery, request.query);
    return toListWire(await interrupts.listForUser(tenantOf(request), user_id, status));
  });

  app.post("/v1/runs/:run_id/interrupts/:interrupt_id/resolve", async (request) => {
    const { run_id, interrupt_id } = parseBody(ResolveParams, request.params);
    const body = parseBody(ResolveBody, request.body);
    return interrupts.resolve({ tenantId: tenantOf(request), runId: run_id, interruptId: interrupt_id, answer: body.answer, disposition: body.disposition, resolvedBy: body.resolved_by });
  });
}
