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
import { registerUserRunStateRoutes } from "./routes/user-run-states.ts";
import { registerSnapshotRoutes } from "./routes/snapshots.ts";
import { registerRuntimeStateRoutes } from "./routes/runtime-state.ts";
import { registerOpenAiRoutes } from "./routes/openai.ts";
import { registerLlmGatewayRoutes } from "./routes/llm-gateway.ts";
import { registerMcpRoutes } from "./routes/mcp.ts";
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

  registerRoutes(app, options);
  return app;
}

/** Every route group: the run surface always, the substrate groups when their service is wired. */
const ROUTE_GROUPS: ((app: FastifyInstance, options: HttpAppOptions) => void)[] = [
  registerHealthRoutes,
  registerRunRoutes,
  registerBatchRoutes,
  registerSessionRoutes,
  registerAgentRoutes,
  registerUserRunStateRoutes,
  registerUsageRoutes,
  registerLimitRoutes,
  registerResolverRoutes,
  registerEvaluationRoutes,
  registerHookRoutes,
  registerInterruptRoutes,
  (app, options) => options.channels && registerChannelRoutes(app, options.channels),
  (app, options) => options.memory && registerMemoryRoutes(app, options.memory),
  (app, options) => options.definitions && registerDefinitionRoutes(app, options.definitions),
  (app, options) => options.snapshots && registerSnapshotRoutes(app, options.snapshots, { maxRequestBytes: options.limits.maxRequestBytes }),
  (app, options) => options.pause && registerRuntimeStateRoutes(app, options.pause),
  (app, options) => options.gateway && registerOpenAiRoutes(app, options.gateway),
  (app, options) => options.gateway && registerLlmGatewayRoutes(app, options.gateway, { sseKeepaliveMs: options.limits.sseKeepaliveMs }),
  (app, options) => options.mcp && registerMcpRoutes(app, options.mcp, options.logger),
];

function registerRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  for (const register of ROUTE_GROUPS) register(app, options);
}
