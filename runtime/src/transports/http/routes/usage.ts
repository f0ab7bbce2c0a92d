import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { USAGE_DIMENSIONS } from "../../../service/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { parseBody } from "../parse-body.ts";
import { focusTenant } from "../tenant-scope.ts";

const UsageQuery = z.object({
  group_by: z
    .string()
    .default("provider,model")
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(USAGE_DIMENSIONS))),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  tenant: z.string().min(1).optional(),
});

/**
 * GET /v1/_usage?group_by=provider,model&from&to&tenant: the usage ledger of the caller's tenant,
 * aggregated (loomcycle shape). `?tenant=` focuses another tenant for admins only (tenant-scope.ts).
 */
export function registerUsageRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  app.get("/v1/_usage", async (request) => {
    const query = parseBody(UsageQuery, request.query);
    const filter = {
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      tenant_id: focusTenant(request, query.tenant),
    };
    const rows = await options.usage.report({ groupBy: query.group_by, filter });
    return { group_by: query.group_by, rows };
  });
}
