import { isAppError } from "../../../domain/index.ts";
import type { MemoryEntry, MemoryScope, MemoryScopeRef } from "../../../domain/index.ts";
import type { Tool, ToolContext, ToolResult } from "../../tool.ts";
import { isRefusal, parseInput, refuse, succeed } from "../fs/tool-input.ts";
import { MEMORY_INPUT_SCHEMA, MEMORY_OPS, MemoryInput } from "./memory-input.ts";
import type { MemoryPort } from "./memory-port.ts";

const TOOL = "Memory";

/** Why a call was refused before it reached memory; becomes the tool error. */
class Refusal extends Error {}

/** An entry as the model reads it. */
function entryJson(entry: MemoryEntry): Record<string, unknown> {
  return { key: entry.key, value: entry.value, expires_at: entry.expires_at, updated_at: entry.updated_at };
}

/** The scope's id, from the run, never from the model. `user` needs the run to have a user. */
function scopeIdOf(scope: MemoryScope, context: ToolContext): string {
  if (scope === "agent") return context.agent;
  if (scope === "tenant") return context.tenantId;
  if (scope === "run") return context.runId;
  if (context.userId === null || context.userId === "") {
    throw new Refusal('scope "user" needs a user, and this run has none; start the run with a user_id, or use another scope');
  }
  return context.userId;
}

/** Refuses a scope the agent's `memory_scopes` does not grant, saying what it has and how to grant more. */
function checkGrant(port: MemoryPort, scope: MemoryScope, caller: { agent: string; tenantId: string }): void {
  const { agent } = caller;
  const granted = port.grantedScopes(agent, caller.tenantId);
  if (granted.includes(scope)) return;
  const has = granted.length === 0 ? "memory_scopes is empty" : `memory_scopes: [${granted.join(", ")}]`;
  throw new Refusal(`scope "${scope}" is not granted to agent "${agent}" (${has}); an operator grants it by adding "${scope}" to the agent's memory_scopes`);
}

async function dispatch(port: MemoryPort, request: MemoryInput, options: { ref: MemoryScopeRef; signal: AbortSignal }): Promise<unknown> {
  const { ref, signal } = options;
  const scope = request.scope;
  switch (request.op) {
    case "get": {
      const entry = await port.get(ref, request.key);
      return entry === null ? { scope, key: request.key, found: false } : { scope, found: true, ...entryJson(entry) };
    }
    case "set": {
      const setRequest = { ref, key: request.key, value: request.value, ttlSeconds: request.ttl ?? null, embed: request.embed, signal };
      const result = await port.set(request.embed_text === undefined ? setRequest : { ...setRequest, embedText: request.embed_text });
      const warning = result.embed_warning === undefined ? {} : { embed_warning: result.embed_warning };
      return { scope, key: request.key, stored: true, embedded: result.embedded, expires_at: result.entry.expires_at, ...warning };
    }
    case "delete":
      return { scope, key: request.key, deleted: await port.delete(ref, request.key) };
    case "list": {
      const page = await port.list(ref, { prefix: request.prefix, limit: request.limit });
      return { scope, entries: page.entries.map(entryJson), truncated: page.truncated };
    }
    case "search": {
      const found = await port.search({ ref, query: request.query, topK: request.top_k, signal });
      return { scope, entries: found.entries.map((hit) => ({ key: hit.key, value: hit.value, score: hit.score })), query_embedding_dim: found.query_embedding_dim };
    }
  }
}

function failure(op: string, error: unknown): ToolResult {
  if (error instanceof Refusal) return refuse(`${TOOL}: ${error.message}`);
  if (isAppError(error) && error.code !== "INTERNAL") return refuse(`${TOOL}: op=${op} failed (${error.code.toLowerCase()}): ${error.message}`);
  return refuse(`${TOOL}: op=${op} failed with an internal error; try again later`);
}

/**
 * Memory: scoped key-value entries that outlive a run, with optional embeddings for search by
 * meaning. The scope id comes from the run (agent name, user, tenant, run id); the agent's
 * `memory_scopes` gates which scopes it may touch.
 */
export function createMemoryTool(port: MemoryPort): Tool {
  return {
    name: TOOL,
    // get/list/search read; set overwrites the key with the same value; delete of a deleted key changes nothing.
    idempotent: true,
    description:
      "Remember things across runs. op=set {scope, key, value, ttl, embed, embed_text} stores a JSON value; op=get {scope, key}; " +
      "op=delete {scope, key}; op=list {scope, prefix, limit}; op=search {scope, query, top_k} finds entries stored with embed=true by meaning. " +
      "scope is agent, user, tenant or run; which ones you may use depends on your agent's memory_scopes.",
    inputSchema: MEMORY_INPUT_SCHEMA,
    async execute(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
      const op = String(input["op"]);
      if (!(MEMORY_OPS as readonly string[]).includes(op)) return refuse(`${TOOL}: unknown op ${JSON.stringify(input["op"])}; supported: ${MEMORY_OPS.join(", ")}`);
      const request = parseInput(TOOL, MemoryInput, input);
      if (isRefusal(request)) return request;
      try {
        checkGrant(port, request.scope, context);
        const ref = { tenantId: context.tenantId, scope: request.scope, scopeId: scopeIdOf(request.scope, context) };
        return succeed(JSON.stringify(await dispatch(port, request, { ref, signal: context.signal })));
      } catch (error) {
        return failure(op, error);
      }
    },
  };
}
