import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { DEFAULT_EVALUATION_LIST_LIMIT, EvaluationBody, MAX_EVALUATION_LIST_LIMIT } from "../../../domain/index.ts";
import type { Evaluation } from "../../../domain/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const RunParams = z.object({ run_id: z.string().min(1) });
const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(MAX_EVALUATION_LIST_LIMIT).default(DEFAULT_EVALUATION_LIST_LIMIT) });

/** An evaluation as JSON: `created_at` as ISO-8601. */
function toWire(evaluation: Evaluation): Record<string, unknown> {
  return { ...evaluation, created_at: evaluation.created_at.toISOString() };
}

/**
 * GET /v1/runs/{run_id}/evaluations → `{evaluations, total}` (newest first, `?limit`), and
 * POST /v1/runs/{run_id}/evaluations `{score, dimensions, judgement, rationale}` → the stored
 * evaluation with emitter_role `api` (201). Unknown run → 404; bad body → 400 naming the field.
 */
export function registerEvaluationRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const { evaluations } = options;

  app.get("/v1/runs/:run_id/evaluations", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const { limit } = parseBody(ListQuery, request.query);
    const page = await evaluations.listFromApi(tenantOf(request), run_id, limit);
    return { evaluations: page.evaluations.map(toWire), total: page.total };
  });

  app.post("/v1/runs/:run_id/evaluations", async (request, reply) => {
    const { run_id } = parseBody(RunParams, request.params);
    const body = parseBody(EvaluationBody, request.body);
    const evaluation = await evaluations.submitFromApi(tenantOf(request), run_id, body);
    return reply.code(201).send(toWire(evaluation));
  });
}
