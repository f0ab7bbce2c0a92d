import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  AppError,
  DEFAULT_MEMORY_LIST_LIMIT,
  DEFAULT_MEMORY_TOP_K,
  MAX_MEMORY_LIST_LIMIT,
  MAX_MEMORY_TOP_K,
  MAX_MEMORY_TTL_SECONDS,
  MEMORY_SCOPES,
} from "../../../domain/index.ts";
import type { MemoryHit, MemoryScopeRef } from "../../../domain/index.ts";
import { MEMORY_SCOPE_DESCRIPTIONS } from "../../../service/index.ts";
import type { MemoryService } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { focusTenant } from "../tenant-scope.ts";

const Scope = z.enum(MEMORY_SCOPES, { error: `must be one of ${MEMORY_SCOPES.join(", ")}` });
/** `?tenant=`: an admin's focus on another tenant; ignored for everyone else (tenant-scope.ts). */
const Tenant = z.string().min(1).optional();
const QueryBoolean = z.enum(["true", "false", "1", "0"]).transform((value) => value === "true" || value === "1");

const ScopeParams = z.object({ scope: Scope });
const ScopeIdParams = z.object({ scope: Scope, scope_id: z.string().min(1, "must not be empty") });
const KeyParams = ScopeIdParams.extend({ key: z.string().min(1, "must not be empty") });
const TenantQuery = z.object({ tenant: Tenant });
const ListQuery = z.object({
  tenant: Tenant,
  prefix: z.string().default(""),
  limit: z.coerce.number().int().min(1).max(MAX_MEMORY_LIST_LIMIT).default(DEFAULT_MEMORY_LIST_LIMIT),
});
const PutQuery = z.object({ tenant: Tenant, embed: QueryBoolean.optional() });
const PutBody = z.strictObject({
  value: z.unknown().refine((value) => value !== undefined, "required: the JSON value to store"),
  embed: z.boolean().optional(),
  ttl_seconds: z.number().int().min(1).max(MAX_MEMORY_TTL_SECONDS).optional(),
});
const SearchBody = z.strictObject({
  query: z.string({ error: "required: the text to search for" }).min(1, "must not be empty"),
  scope: Scope,
  scope_id: z.string().min(1).optional(),
  top_k: z.number().int().min(1).max(MAX_MEMORY_TOP_K).default(DEFAULT_MEMORY_TOP_K),
});

/** A search hit in loomcycle's wire shape (no ranking yet: rank_score = score; every hit is a fact). */
function hitJson(hit: MemoryHit): Record<string, unknown> {
  return {
    scope_id: hit.scope_id,
    key: hit.key,
    value: hit.value,
    score: hit.score,
    rank_score: hit.score,
    embedded_with: hit.embedded_with,
    kind: "fact",
    expires_at: hit.expires_at,
    updated_at: hit.updated_at,
  };
}

/** The tenant a memory request works in: the caller's, or an admin's `?tenant=` focus. */
function tenantFor(request: FastifyRequest): string {
  return focusTenant(request, parseBody(TenantQuery, request.query).tenant);
}

/** The entry routes: /v1/_memory/scopes/{scope}/{scope_id}/keys[/{key...}]. */
function registerKeyRoutes(app: FastifyInstance, memory: MemoryService): void {
  const keyRef = (request: FastifyRequest): MemoryScopeRef & { key: string } => {
    // The key is the rest of the path (`keys/*`), so it may contain slashes.
    const raw = request.params as Record<string, unknown>;
    const { scope, scope_id, key } = parseBody(KeyParams, { ...raw, key: raw["*"] });
    return { tenantId: tenantFor(request), scope, scopeId: scope_id, key };
  };

  app.get("/v1/_memory/scopes/:scope/:scope_id/keys", async (request) => {
    const { scope, scope_id } = parseBody(ScopeIdParams, request.params);
    const query = parseBody(ListQuery, request.query);
    const page = await memory.list({ tenantId: focusTenant(request, query.tenant), scope, scopeId: scope_id }, { prefix: query.prefix, limit: query.limit });
    return { scope, scope_id, entries: page.entries, truncated: page.truncated };
  });

  app.get("/v1/_memory/scopes/:scope/:scope_id/keys/*", async (request) => {
    const { key, ...ref } = keyRef(request);
    const entry = await memory.get(ref, key);
    if (entry === null) throw new AppError("NOT_FOUND", `no memory entry ${JSON.stringify(key)} in ${ref.scope}/${ref.scopeId}`);
    return { scope: ref.scope, scope_id: ref.scopeId, entry };
  });

  app.put("/v1/_memory/scopes/:scope/:scope_id/keys/*", async (request) => {
    const { key, ...ref } = keyRef(request);
    const body = parseBody(PutBody, request.body);
    const embed = body.embed ?? parseBody(PutQuery, request.query).embed ?? false;
    const result = await memory.set({ ref, key, value: body.value, ttlSeconds: body.ttl_seconds ?? null, embed });
    const warning = result.embed_warning === undefined ? {} : { embed_warning: result.embed_warning };
    return { scope: ref.scope, scope_id: ref.scopeId, key, embedded: result.embedded, expires_at: result.entry.expires_at, ...warning };
  });

  app.delete("/v1/_memory/scopes/:scope/:scope_id/keys/*", async (request, reply) => {
    const { key, ...ref } = keyRef(request);
    await memory.delete(ref, key);
    return reply.code(204).send();
  });
}

/**
 * The memory admin API (loomcycle's /v1/_memory, inventory §2.6): browse scopes and scope ids,
 * read/write/delete entries, and search by meaning, in the caller's tenant (`?tenant=` focuses
 * another one for admins only, tenant-scope.ts). Bad input is a 400 naming the field; search
 * without an embedder or pgvector is a 501 `vector_unsupported`.
 */
export function registerMemoryRoutes(app: FastifyInstance, memory: MemoryService): void {
  app.get("/v1/_memory/scopes", () => ({ scopes: MEMORY_SCOPE_DESCRIPTIONS }));

  app.get("/v1/_memory/scopes/:scope", async (request) => {
    const { scope } = parseBody(ScopeParams, request.params);
    return { scope, scope_ids: await memory.scopeIds(tenantFor(request), scope) };
  });

  registerKeyRoutes(app, memory);

  app.post("/v1/_memory/search", async (request) => {
    const body = parseBody(SearchBody, request.body);
    const ref = { tenantId: tenantFor(request), scope: body.scope, scopeId: body.scope_id ?? null };
    const found = await memory.search({ ref, query: body.query, topK: body.top_k });
    return {
      scope: body.scope,
      scope_id: body.scope_id ?? null,
      entries: found.entries.map(hitJson),
      query_embedding_dim: found.query_embedding_dim,
      truncated: found.truncated,
    };
  });
}
