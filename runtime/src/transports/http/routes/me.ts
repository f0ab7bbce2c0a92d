import type { FastifyInstance } from "fastify";
import { grantsScope } from "../../../domain/index.ts";

/** GET /v1/_me (loomcycle §2.3): who the bearer is. */
export interface MeResponse {
  tenant_id: string;
  subject: string;
  scopes: string[];
  is_admin: boolean;
  /** The shared LOOMCYCLE_AUTH_TOKEN authenticated this request. */
  legacy: boolean;
  /** No token of any kind is configured: everyone is this synthetic admin. */
  open_mode: boolean;
}

export function registerMeRoutes(app: FastifyInstance): void {
  app.get("/v1/_me", (request): MeResponse => {
    const { principal } = request;
    return {
      tenant_id: principal.tenantId,
      subject: principal.subject,
      scopes: [...principal.scopes],
      is_admin: grantsScope(principal.scopes, "substrate:admin"),
      legacy: principal.kind === "legacy",
      open_mode: principal.kind === "open",
    };
  });
}
