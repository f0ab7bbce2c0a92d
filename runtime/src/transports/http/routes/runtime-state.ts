import type { FastifyInstance } from "fastify";
import type { PauseService } from "../../../service/index.ts";
import { PauseBody } from "../contract.ts";
import type { PauseResponse, ResumeResponse, RuntimeStateResponse } from "../contract.ts";
import { parseBody } from "../parse-body.ts";

/**
 * POST /v1/_pause, POST /v1/_resume, GET /v1/_state (loomcycle §2.7, admin): the cluster-wide
 * pause. 409 `already_pausing` / `not_paused`; while paused, new runs get 503 `runtime_paused`.
 */
export function registerRuntimeStateRoutes(app: FastifyInstance, pause: PauseService): void {
  app.post("/v1/_pause", async (request): Promise<PauseResponse> => {
    const body = parseBody(PauseBody, request.body);
    return pause.pause({ timeout_ms: body.timeout_ms });
  });

  app.post("/v1/_resume", async (request): Promise<ResumeResponse> => {
    parseBody(PauseBody.pick({}), request.body);
    return pause.resume();
  });

  app.get("/v1/_state", async (): Promise<RuntimeStateResponse> => pause.state());
}
