import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ANONYMOUS_PRINCIPAL, AppError, OPEN_PRINCIPAL, grantsScope, isAppError } from "../../domain/index.ts";
import type { Principal } from "../../domain/index.ts";
import { requirementOf } from "./route-scopes.ts";
import type { RouteRequirement } from "./route-scopes.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, set by the auth hook before any handler runs. */
    principal: Principal;
  }
}

/** Resolves a request's principal, or throws the 401 AppError (UNAUTHENTICATED) that refuses it. */
export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/** Every route the app serves, as `METHOD /pattern` (HEAD twins left out), recorded as they are added. */
const SERVED = new WeakMap<FastifyInstance, string[]>();

/**
 * Installs the hook that puts `request.principal` on every request before its handler runs, and
 * authorizes it against the route's entry in route-scopes.ts: a missing or unknown token is a
 * 401 (`WWW-Authenticate: Bearer`), a token without the route's scope a 403 (`WWW-Authenticate:
 * Bearer scope="…"`). Without an authenticator every caller is the open-mode principal.
 */
export function installPrincipal(app: FastifyInstance, authenticate: Authenticate | undefined): void {
  const served: string[] = [];
  SERVED.set(app, served);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") served.push(`${method} ${route.url}`);
  });
  app.decorateRequest("principal", null as unknown as Principal);
  app.addHook("onRequest", async (request, reply) => {
    const requirement = requirementOf(request.method, request.routeOptions.url);
    try {
      request.principal = await principalFor({ request, authenticate, requirement });
      authorize(request.principal, requirement);
    } catch (error) {
      challenge(reply, error);
      throw error;
    }
  });
}

/** The routes an app built with installPrincipal serves, as `METHOD /pattern`. */
export function servedRoutes(app: FastifyInstance): readonly string[] {
  return SERVED.get(app) ?? [];
}

async function principalFor(options: { request: FastifyRequest; authenticate: Authenticate | undefined; requirement: RouteRequirement }): Promise<Principal> {
  if (options.authenticate === undefined) return OPEN_PRINCIPAL;
  try {
    return await options.authenticate(options.request);
  } catch (error) {
    if (options.requirement === "public" && isAppError(error, "UNAUTHENTICATED")) return ANONYMOUS_PRINCIPAL;
    throw error;
  }
}

function authorize(principal: Principal, requirement: RouteRequirement): void {
  if (requirement === "public" || requirement === "authenticated") return;
  if (grantsScope(principal.scopes, requirement)) return;
  throw new AppError("FORBIDDEN", `this token lacks the scope ${requirement} that the route requires`, { details: { scope: requirement } });
}

/** RFC 6750 challenge headers on a refusal. */
function challenge(reply: FastifyReply, error: unknown): void {
  if (isAppError(error, "UNAUTHENTICATED")) void reply.header("www-authenticate", "Bearer");
  if (isAppError(error, "FORBIDDEN")) void reply.header("www-authenticate", `Bearer scope="${String(error.details["scope"])}"`);
}

/** The tenant every row a handler reads or writes must belong to: the principal's, never the body's. */
export function tenantOf(request: FastifyRequest): string {
  return request.principal.tenantId;
}

/**
 * The user a run belongs to. A minted token's subject is authoritative (it overrides the wire
 * `user_id`, as loomcycle's applyPrincipal does); the shared token and open mode honour the wire
 * `user_id`, as loomcycle's legacy mode does (their subject is just `default`).
 */
export function userIdOf(request: FastifyRequest, wireUserId: string | null | undefined): string | null {
  if (request.principal.kind === "token") return request.principal.subject;
  return wireUserId ?? null;
}
