import type { FastifyRequest } from "fastify";
import { grantsScope } from "../../domain/index.ts";
import { tenantOf, userIdOf } from "./principal.ts";

/**
 * Tenant rules of the HTTP surface (inventory §10.3), in one place:
 * - Every row a handler touches is in the principal's tenant (`tenantOf`); a run body's
 *   `tenant_id` is ignored, whoever sends it.
 * - `?tenant=` on the admin browses (/v1/_memory…, /v1/_usage) is a focus only a
 *   `substrate:admin` principal may use; for anyone else it is ignored (not refused), so a client
 *   that always sends it keeps working inside its own tenant.
 */
export function focusTenant(request: FastifyRequest, requested: string | undefined): string {
  if (requested !== undefined && grantsScope(request.principal.scopes, "substrate:admin")) return requested;
  return tenantOf(request);
}

/**
 * Who a new run belongs to: always the principal's tenant; the user is the token's subject for a
 * per-principal token (the body cannot act for someone else), and the wire `user_id` for open
 * mode and the shared legacy token, which have no user of their own.
 */
export function runOwner(request: FastifyRequest, wireUserId: string | undefined): { tenant_id: string; user_id?: string } {
  const userId = userIdOf(request, wireUserId);
  return { tenant_id: tenantOf(request), ...(userId === null ? {} : { user_id: userId }) };
}
