import type { FastifyInstance, FastifyRequest } from "fastify";
import { OPEN_PRINCIPAL } from "../../domain/index.ts";
import type { Principal } from "../../domain/index.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Who is calling, set by the auth hook before any handler runs. */
    principal: Principal;
  }
}

/** Resolves a request's principal, or throws the 401/403 AppError that refuses it. */
export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/**
 * Installs the hook that puts `request.principal` on every request before its handler runs.
 * Without an authenticator every caller is the open-mode principal (an admin of the default tenant).
 */
export function installPrincipal(app: FastifyInstance, authenticate: Authenticate | undefined): void {
  app.decorateRequest("principal", null as unknown as Principal);
  app.addHook("onRequest", async (request) => {
    request.principal = authenticate === undefined ? OPEN_PRINCIPAL : await authenticate(request);
  });
}

/** The tenant every row a handler reads or writes must belong to: the principal's, never the body's. */
export function tenantOf(request: FastifyRequest): string {
  return request.principal.tenantId;
}
