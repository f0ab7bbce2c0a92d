import type { FastifyInstance } from "fastify";
import type { HttpAppOptions } from "../types.ts";
import { toHttpError } from "../errors.ts";

const startedAt = Date.now();

/** /healthz (liveness), /readyz (the store answers) and /metrics (Prometheus). */
export function registerHealthRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  app.get("/healthz", () => ({
    ok: true,
    version: options.version,
    uptime_seconds: Math.round((Date.now() - startedAt) / 1000),
    metrics_enabled: true,
  }));

  app.get("/readyz", async (_request, reply) => {
    try {
      await options.ready();
      return { ok: true };
    } catch (error) {
      const mapped = toHttpError(error);
      return reply.code(503).send({ ok: false, code: mapped.body.code, error: mapped.body.error });
    }
  });

  app.get("/metrics", async (_request, reply) => {
    const { contentType, body } = await options.metrics();
    return reply.type(contentType).send(body);
  });
}
