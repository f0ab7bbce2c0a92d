import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { AppError, LIMIT_SCOPES } from "../../../domain/index.ts";
import type { TokenLimitUsage } from "../../../domain/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const Scope = z.enum(LIMIT_SCOPES, { message: `expected one of ${LIMIT_SCOPES.join("|")}` });
const ScopeId = z.string().trim().min(1).max(128);
const Tokens = z.number().int("expected a whole number of tokens").min(0).max(Number.MAX_SAFE_INTEGER);

/** PUT /v1/_limits (loomcycle §2.3): a present tier is set, an absent one cleared; the tenant is the caller's. */
const SetLimitRequest = z
  .strictObject({
    tenant_id: z.string().optional(),
    scope: Scope,
    scope_id: ScopeId.optional(),
    soft_limit: Tokens.optional(),
    hard_limit: Tokens.optional(),
  })
  .refine((body) => body.soft_limit !== undefined || body.hard_limit !== undefined, {
    path: ["soft_limit"],
    message: "set soft_limit, hard_limit or both (DELETE /v1/_limits removes a budget)",
  });

const ListLimitsQuery = z.object({ tenant: z.string().optional() });
const DeleteLimitQuery = z.object({ scope: Scope, scope_id: ScopeId.optional(), tenant: z.string().optional() });

/** One budget as GET /v1/_limits lists it; an unset tier is omitted. */
export interface TokenLimitResponse {
  tenant_id: string;
  scope: TokenLimitUsage["scope"];
  scope_id: string;
  soft_limit?: number;
  hard_limit?: number;
  used: number;
  updated_at: string;
  updated_by: string;
}

function toLimitResponse(limit: TokenLimitUsage): TokenLimitResponse {
  return {
    tenant_id: limit.tenant_id,
    scope: limit.scope,
    scope_id: limit.scope_id,
    ...(limit.soft_limit === null ? {} : { soft_limit: limit.soft_limit }),
    ...(limit.hard_limit === null ? {} : { hard_limit: limit.hard_limit }),
    used: limit.used,
    updated_at: limit.updated_at.toISOString(),
    updated_by: limit.updated_by,
  };
}

/** The tenant comes from the token; a body or query naming another one is refused rather than ignored. */
function requireOwnTenant(field: string, named: string | undefined, tenantId: string): void {
  if (named === undefined || named === "" || named === tenantId) return;
  throw new AppError("INVALID_ARGUMENT", `${field}: budgets of another tenant cannot be managed with this token (yours is "${tenantId}")`, { details: { field } });
}

/** GET|PUT|DELETE /v1/_limits: the caller's tenant's monthly token budgets with month-to-date usage. */
export function registerLimitRoutes(app: FastifyInstance, options: Pick<HttpAppOptions, "runs">): void {
  const { budgets } = options.runs;

  app.get("/v1/_limits", async (request) => {
    const query = parseBody(ListLimitsQuery, request.query);
    const tenantId = tenantOf(request);
    requireOwnTenant("tenant", query.tenant, tenantId);
    return { limits: (await budgets.list(tenantId)).map(toLimitResponse) };
  });

  app.put("/v1/_limits", async (request) => {
    const body = parseBody(SetLimitRequest, request.body);
    const tenantId = tenantOf(request);
    requireOwnTenant("tenant_id", body.tenant_id, tenantId);
    const limit = await budgets.set({
      tenantId,
      scope: body.scope,
      scopeId: body.scope_id,
      softLimit: body.soft_limit ?? null,
      hardLimit: body.hard_limit ?? null,
      updatedBy: request.principal.subject,
    });
    return toLimitResponse(limit);
  });

  app.delete("/v1/_limits", async (request, reply) => {
    const query = parseBody(DeleteLimitQuery, request.query);
    const tenantId = tenantOf(request);
    requireOwnTenant("tenant", query.tenant, tenantId);
    await budgets.delete({ tenantId, scope: query.scope, scopeId: query.scope_id });
    await reply.code(204).send();
  });
}
