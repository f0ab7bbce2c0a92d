import type { FastifyInstance } from "fastify";
import { AppError } from "../../../domain/index.ts";
import type { SnapshotService } from "../../../service/index.ts";
import { CreateSnapshotBody, ListSnapshotsQuery, RestoreSnapshotBody } from "../contract.ts";
import { parseBody } from "../parse-body.ts";

/** The id segment clients send with an inline restore (`POST /v1/_snapshots/inline/restore`). */
const INLINE = "inline";
/** Room for the restore body's wrapper around the envelope. */
const BODY_SLACK_BYTES = 64 * 1024;

/**
 * /v1/_snapshots (loomcycle §2.7, admin): capture, list, read, export, delete and restore.
 * GET by id answers the descriptor plus `json_content`, the stored envelope embedded verbatim.
 */
export function registerSnapshotRoutes(app: FastifyInstance, snapshots: SnapshotService, options: { maxRequestBytes: number }): void {
  app.post("/v1/_snapshots", async (request) => {
    const body = parseBody(CreateSnapshotBody, request.body);
    return snapshots.create({ label: body.label ?? body.description, include_history: body.include_history, max_bytes: body.max_bytes });
  });

  app.get("/v1/_snapshots", async (request) => {
    const query = parseBody(ListSnapshotsQuery, request.query);
    return { snapshots: await snapshots.list({ limit: query.limit, labelContains: query.label_contains }) };
  });

  app.get<{ Params: { id: string } }>("/v1/_snapshots/:id", async (request, reply) => {
    const { descriptor, json } = await snapshots.get(request.params.id);
    const head = JSON.stringify(descriptor).slice(0, -1);
    return reply.type("application/json; charset=utf-8").send(`${head},"json_content":${json}}`);
  });

  app.get<{ Params: { id: string } }>("/v1/_snapshots/:id/export", async (request, reply) => {
    const { descriptor, json } = await snapshots.get(request.params.id);
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="loomcycle-snapshot-${descriptor.snapshot_id}.json"`)
      .send(json);
  });

  app.delete<{ Params: { id: string } }>("/v1/_snapshots/:id", async (request, reply) => {
    await snapshots.delete(request.params.id);
    await reply.code(204).send();
  });

  // An inline envelope may be as large as a snapshot may be.
  const bodyLimit = Math.max(options.maxRequestBytes, snapshots.maxBytes + BODY_SLACK_BYTES);
  app.post<{ Params: { id: string } }>("/v1/_snapshots/:id/restore", { bodyLimit }, async (request) => {
    const body = parseBody(RestoreSnapshotBody, request.body);
    if (body.json === undefined && request.params.id === INLINE) {
      throw new AppError("INVALID_ARGUMENT", "json: an inline restore needs the envelope in `json`", { details: { field: "json" } });
    }
    return snapshots.restore({ snapshotId: request.params.id, ...(body.json === undefined ? {} : { json: body.json }) });
  });
}
