import type { FastifyInstance } from "fastify";
import type { ResolverMatrix } from "../../../service/index.ts";
import type { HttpAppOptions } from "../types.ts";

/**
 * GET /v1/_resolver: the cached availability matrix (which providers answer and which models they
 * list) plus health marks. POST /v1/_resolve/probe: probe every provider now, then the same body.
 */
export function registerResolverRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  app.get("/v1/_resolver", (): ResolverMatrix => options.resolver.snapshot());

  app.post("/v1/_resolve/probe", async (): Promise<ResolverMatrix> => {
    await options.resolver.probeAll();
    return options.resolver.snapshot();
  });
}
