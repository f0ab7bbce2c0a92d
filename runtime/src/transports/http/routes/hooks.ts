import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MAX_HOOK_TIMEOUT_MS } from "../../../domain/index.ts";
import type { Hook } from "../../../domain/index.ts";
import type { HookService } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

const Label = z.string().trim().min(1).max(128);
/** An exact name or `prefix*`. */
const Glob = z.string().min(1).max(256).regex(/^[^*]*\*?$/, "an exact name or a prefix ending in *");

/** POST /v1/hooks (loomcycle §2.2). */
const HookRequest = z.strictObject({
  owner: Label,
  name: Label,
  phase: z.enum(["pre", "post"]),
  agents: z.array(Glob).max(64).default([]),
  tools: z.array(Glob).max(64).default([]),
  callback_url: z.url({ protocol: /^https?$/, message: "an absolute http or https URL" }).max(2048),
  fail_mode: z.enum(["open", "closed"]).default("open"),
  timeout_ms: z.number().int().min(0).max(MAX_HOOK_TIMEOUT_MS, `at most ${MAX_HOOK_TIMEOUT_MS} ms`).default(0),
});

const HookParams = z.object({ id: z.string().min(1).max(128) });

/** One hook as GET /v1/hooks lists it. */
export interface HookResponse {
  id: string;
  tenant: string;
  owner: string;
  name: string;
  phase: Hook["phase"];
  agents: string[];
  tools: string[];
  callback_url: string;
  fail_mode: Hook["fail_mode"];
  timeout_ms: number;
  registered_at: string;
}

function toHookResponse(hook: Hook): HookResponse {
  const { tenant_id, registered_at, ...rest } = hook;
  return { ...rest, tenant: tenant_id, registered_at: registered_at.toISOString() };
}

/** POST /v1/hooks, GET /v1/hooks, DELETE /v1/hooks/{id}: the tool-use hooks registry. */
export function registerHookRoutes(app: FastifyInstance, options: { hooks?: HookService }): void {
  const { hooks } = options;
  if (hooks === undefined) return;

  app.post("/v1/hooks", async (request) => {
    const body = parseBody(HookRequest, request.body);
    const hook = await hooks.register({ ...body, tenant_id: tenantOf(request) });
    return { id: hook.id };
  });

  app.get("/v1/hooks", async (request) => ({ hooks: (await hooks.list(tenantOf(request))).map(toHookResponse) }));

  app.delete("/v1/hooks/:id", async (request, reply) => {
    const { id } = parseBody(HookParams, request.params);
    await hooks.delete(tenantOf(request), id);
    await reply.code(204).send();
  });
}
