import type { Scope } from "../../domain/index.ts";

/**
 * What a route requires: a scope from the catalog, `authenticated` (any valid token) or `public`
 * (nothing; the principal is anonymous when no valid token came along).
 */
export type RouteRequirement = Scope | "authenticated" | "public";

/**
 * THE route → scope table (loomcycle §2: each route's scope column), checked by the auth hook
 * before any handler runs. Keys are `METHOD /fastify/pattern`; parameter names do not matter
 * (`:id` and `:run_id` compare equal). A route missing here still gets a safe default (a mutating
 * one needs substrate:admin, a GET any authenticated caller), but the scope matrix test fails
 * until it is listed, so every route's scope is decided on purpose.
 *
 * Decided here: /healthz and /readyz are public (probes carry no token); /metrics needs
 * substrate:admin, as in loomcycle (Prometheus sends `authorization: Bearer` via
 * `bearer_token_file`); GET /v1/runs/{id} (ours) is runs:read like GET /v1/agents/{id}; the
 * evaluations routes of a run are runs:read / runs:create.
 */
export const ROUTE_SCOPES: Readonly<Record<string, RouteRequirement>> = {
  "GET /healthz": "public",
  "GET /readyz": "public",
  "GET /metrics": "substrate:admin",
  "GET /v1/_me": "authenticated",

  "POST /v1/runs": "runs:create",
  "POST /v1/runs::batch": "runs:create",
  "POST /v1/sessions/:id/messages": "runs:create",
  "GET /v1/sessions/:id/transcript": "runs:read",
  "GET /v1/runs/:id": "runs:read",
  "GET /v1/runs/:id/stream": "runs:read",
  "POST /v1/runs/:id/compact": "runs:create",
  "POST /v1/runs/:id/cancel": "runs:create",
  "POST /v1/runs/:id/input": "runs:create",
  "GET /v1/agents/:id": "runs:read",
  "POST /v1/agents/:id/cancel": "runs:create",
  "GET /v1/users/:id/agents": "runs:read",
  "GET /v1/users/:id/agents/stream": "runs:read",
  "GET /v1/_runnable-agents": "runs:read",
  "GET /v1/runs/:id/interrupts": "runs:read",
  "POST /v1/runs/:id/interrupts/:iid/resolve": "runs:create",
  "GET /v1/users/:id/interrupts": "runs:read",
  "GET /v1/runs/:id/evaluations": "runs:read",
  "POST /v1/runs/:id/evaluations": "runs:create",

  "POST /v1/hooks": "substrate:tenant",
  "GET /v1/hooks": "substrate:tenant",
  "DELETE /v1/hooks/:id": "substrate:tenant",
  "GET /v1/_resolver": "substrate:admin",
  "POST /v1/_resolve/probe": "substrate:admin",
  "GET /v1/_usage": "substrate:tenant",
  "GET /v1/_limits": "substrate:tenant",
  "PUT /v1/_limits": "substrate:tenant",
  "DELETE /v1/_limits": "substrate:tenant",

  "GET /v1/_channels": "substrate:tenant",
  "POST /v1/_channels": "substrate:tenant",
  "POST /v1/_channels/*": "substrate:tenant",
  "GET /v1/_channels/*": "substrate:tenant",
  "DELETE /v1/_channels/*": "substrate:tenant",
  "PATCH /v1/_channels/*": "substrate:tenant",
  "POST /v1/users/:id/channels/*": "channel:publish",
  "GET /v1/users/:id/channels/*": "channel:read",

  "GET /v1/_memory/scopes": "substrate:tenant",
  "GET /v1/_memory/scopes/:scope": "substrate:tenant",
  "GET /v1/_memory/scopes/:scope/:id/keys": "substrate:tenant",
  "GET /v1/_memory/scopes/:scope/:id/keys/*": "substrate:tenant",
  "PUT /v1/_memory/scopes/:scope/:id/keys/*": "substrate:tenant",
  "DELETE /v1/_memory/scopes/:scope/:id/keys/*": "substrate:tenant",
  "POST /v1/_memory/search": "substrate:tenant",

  "POST /v1/_operatortokendef": "substrate:admin",
  "GET /v1/_operatortokendef/names": "substrate:admin",

  "POST /v1/_snapshots": "substrate:admin",
  "GET /v1/_snapshots": "substrate:admin",
  "GET /v1/_snapshots/:id": "substrate:admin",
  "GET /v1/_snapshots/:id/export": "substrate:admin",
  "DELETE /v1/_snapshots/:id": "substrate:admin",
  "POST /v1/_snapshots/:id/restore": "substrate:admin",
  "POST /v1/_pause": "substrate:admin",
  "POST /v1/_resume": "substrate:admin",
  "GET /v1/_state": "substrate:admin",
  // The MCP server: any valid token; each tool then needs the scope of the route it mirrors (transports/mcp).
  "POST /v1/_mcp": "authenticated",
  "GET /v1/_mcp": "authenticated",
  "DELETE /v1/_mcp": "authenticated",
  // The LLM gateway and the OpenAI-compatible API (loomcycle §2.8 scope "any"): any valid token.
  "POST /v1/chat/completions": "authenticated",
  "GET /v1/models": "authenticated",
  "POST /v1/embeddings": "authenticated",
  "POST /v1/_llm/chat": "authenticated",
  ...definitionRoutes(["agent", "skill", "mcpserver", "schedule", "webhook", "memorybackend", "a2aagent", "a2aservercard", "credential"]),
};

/** The op-dispatch plane of each definition kind (loomcycle §2.4): tenant-scoped. */
function definitionRoutes(kinds: readonly string[]): Record<string, RouteRequirement> {
  return Object.fromEntries(kinds.flatMap((kind) => [[`POST /v1/_${kind}def`, "substrate:tenant"], [`GET /v1/_${kind}def/names`, "substrate:tenant"]]));
}

/** `METHOD /pattern` with every path parameter renamed `:` (HEAD counts as GET). */
export function routeKey(method: string, url: string): string {
  const verb = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return `${verb} ${url.replace(/\/:[A-Za-z0-9_]+/g, "/:")}`;
}

const NORMALIZED: ReadonlyMap<string, RouteRequirement> = new Map(
  Object.entries(ROUTE_SCOPES).map(([key, requirement]) => {
    const [method = "", url = ""] = key.split(" ");
    return [routeKey(method, url), requirement];
  }),
);

/** Whether the table lists a route (the scope matrix test requires every served route to be listed). */
export function isListedRoute(method: string, url: string): boolean {
  return NORMALIZED.has(routeKey(method, url));
}

/**
 * What a request needs. `url` is the matched route pattern (undefined when nothing matched: the
 * caller must still authenticate, so a 404 never tells an anonymous caller what exists).
 */
export function requirementOf(method: string, url: string | undefined): RouteRequirement {
  if (url === undefined) return "authenticated";
  const listed = NORMALIZED.get(routeKey(method, url));
  if (listed !== undefined) return listed;
  const verb = method.toUpperCase();
  return verb === "GET" || verb === "HEAD" || verb === "OPTIONS" ? "authenticated" : "substrate:admin";
}
