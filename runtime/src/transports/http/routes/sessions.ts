import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { HttpAppOptions } from "../types.ts";
import { toTranscript } from "../contract.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const SessionParams = z.object({ id: z.string().min(1) });

/** GET /v1/sessions/{id}/transcript: the session's whole event log. */
export function registerSessionRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  app.get("/v1/sessions/:id/transcript", async (request) => {
    const { id } = parseBody(SessionParams, request.params);
    const { session, events } = await options.runs.transcript(tenantOf(request), id);
    return toTranscript(session, events);
  });
}
