import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { MAX_BATCH_RUNS, runBatch } from "../../../service/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { RunRequest, toRunResult } from "../contract.ts";
import { toHttpError } from "../errors.ts";
import { parseBody } from "../parse-body.ts";
import { runInput } from "../run-input.ts";
import { runOwner } from "../tenant-scope.ts";

const BatchRequest = z.strictObject({
  spawns: z
    .array(
      RunRequest.refine((spawn) => spawn.interactive !== true, {
        message: "interactive runs never end, so a join batch cannot wait for them; start them with POST /v1/runs",
        path: ["interactive"],
      }),
    )
    .min(1)
    .max(MAX_BATCH_RUNS),
  mode: z.literal("join", { message: "only `join` is supported (`detach` is reserved)" }).default("join"),
  timeout_ms: z.number().int().min(1).max(3_600_000).optional(),
});

/**
 * POST /v1/runs:batch (loomcycle RFC Y): up to 32 fresh runs in join mode. Results are
 * index-aligned; a child that cannot start carries its error in its slot and never fails the batch.
 */
export function registerBatchRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  // `::` escapes the colon in fastify's router: the path is literally /v1/runs:batch.
  app.post("/v1/runs::batch", async (request) => {
    const body = parseBody(BatchRequest, request.body);
    const requests = body.spawns.map((spawn) => ({ ...runInput(spawn), ...runOwner(request, spawn.user_id), agent: spawn.agent }));
    const children = await runBatch(options.runs, { requests, ...(body.timeout_ms ? { timeoutMs: body.timeout_ms } : {}) });
    const results = children.map((child) => (child.ok ? toRunResult(child.result) : { error: toHttpError(child.error).body.error, code: toHttpError(child.error).body.code }));
    return { results, spawned: children.filter((child) => child.ok).length };
  });
}
