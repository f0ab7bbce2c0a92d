import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { HttpAppOptions } from "../types.ts";
import { RunInputRequest, TurnCancelRequest } from "../contract.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const RunParams = z.object({ run_id: z.string().min(1) });

/**
 * POST /v1/runs/{run_id}/input (steer a user turn into a run) and POST /v1/runs/{run_id}/cancel
 * (cancel the current turn of an interactive run). Both reach the run wherever it executes.
 */
export function registerRunSteeringRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const { runs } = options;

  app.post("/v1/runs/:run_id/input", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const body = parseBody(RunInputRequest, request.body);
    return runs.steering.steer(tenantOf(request), run_id, { text: body.text, source: body.source ?? "api" });
  });

  app.post("/v1/runs/:run_id/cancel", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const { reason } = parseBody(TurnCancelRequest, request.body ?? {});
    return runs.steering.cancelTurn(tenantOf(request), run_id, reason ?? "");
  });
}
