import type { FastifyInstance } from "fastify";
import { DEFINITION_KINDS, DefinitionOpRequest } from "../../../domain/index.ts";
import type { DefinitionService } from "../../../service/index.ts";
import { parseBody } from "../parse-body.ts";
import { tenantOf } from "../principal.ts";

/**
 * The definition substrate's op-dispatch (loomcycle §2.4): `POST /v1/_<kind>def` with
 * `{op, name, def_id, overlay, parent_def_id, promote, content_sha256, retired}` and
 * `GET /v1/_<kind>def/names`, for every versioned kind. The tenant and the author come from the
 * principal; another tenant's def_id is a 404 with the same body as a missing one.
 */
export function registerDefinitionRoutes(app: FastifyInstance, definitions: DefinitionService): void {
  for (const kind of DEFINITION_KINDS) {
    app.post(`/v1/_${kind}def`, async (request) => {
      const body = parseBody(DefinitionOpRequest, request.body);
      return definitions.dispatch(kind, body, { tenantId: tenantOf(request), subject: request.principal.subject });
    });
    app.get(`/v1/_${kind}def/names`, async (request) => ({ names: await definitions.names(kind, tenantOf(request)) }));
  }
}
