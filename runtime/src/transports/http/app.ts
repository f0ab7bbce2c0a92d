import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import { toHttpError } from "./errors.ts";
import { registerAgentRoutes } from "./routes/agents.ts";
import { registerChannelRoutes } from "./routes/channels.ts";
import { registerEvaluationRoutes } from "./routes/evaluations.ts";
import { registerHookRoutes } from "./routes/hooks.ts";
import { registerInterruptRoutes } from "./routes/interrupts.ts";
import { registerMemoryRoutes } from "./routes/memory.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerResolverRoutes } from "./routes/resolver.ts";
import { registerBatchRoutes } from "./routes/runs-batch.ts";
import { registerRunRoutes } from "./routes/runs.ts";
import { registerSessionRoutes } from "./routes/sessions.ts";
import { registerUsageRoutes } from "./routes/usage.ts";
import { registerDefinitionRoutes } from "./routes/definitions.ts";
import { installAuth } from "./auth.ts";
import { setRetryAfter } from "./retry-after.ts";
import { registerLimitRoutes } from "./routes/limits.ts";
import type { HttpAppOptions } from "./types.ts";

/**
 * Builds the fastify app: routes over the service layer, one error handler mapping the error
 * catalog to `{code, error}` bodies, and a JSON 404. Listening is the caller's job.
 */
export function buildHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: options.limits.maxRequestBytes, logger: false });
  // Bodies are JSON only: anything else is a 415, not a string that fails validation.
  app.removeContentTypeParser("text/plain");

  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.internal) options.logger.error({ err: error, method: request.method, url: request.url }, "request failed");
    if (reply.sent || reply.raw.headersSent) return;
    setRetryAfter(reply, error);
    void reply.code(mapped.status).send(mapped.body);
  });
  installAuth(app, options);
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ code: "not_found", error: `no route ${request.method} ${request.url}` });
  });

  registerHealthRoutes(app, options);
  registerRunRoutes(app, options);
  registerBatchRoutes(app, options);
  registerSessionRoutes(app, options);
  registerAgentRoutes(app, options);
  registerUsageRoutes(app, options);
  registerLimitRoutes(app, options);
  registerResolverRoutes(app, options);
  registerEvaluationRoutes(app, options);
  registerHookRoutes(app, options);
  if (options.channels) registerChannelRoutes(app, options.channels);
  if (options.memory) registerMemoryRoutes(app, options.memory);
  registerInterruptRoutes(app, options);
  if (options.definitions) registerDefinitionRoutes(app, options.definitions);
  return app;
}
