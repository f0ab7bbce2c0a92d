import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { HANDLE_PATTERN } from "../../../domain/index.ts";
import type { RunStatus } from "../../../domain/index.ts";
import type { RunStateFrame } from "../../../service/index.ts";
import type { RunStateFrameResponse, UserStreamOpenFrame } from "../contract.ts";
import type { HttpAppOptions } from "../types.ts";
import { parseBody } from "../parse-body.ts";
import { SseStream } from "../sse.ts";
import { tenantOf } from "../principal.ts";

const STATUSES = ["queued", "running", "awaiting_input", "paused", "completed", "failed", "cancelled", "interrupted"] as const satisfies readonly RunStatus[];

const UserParams = z.object({ user_id: z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -") });
const StreamQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(",").filter(Boolean))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  agent: z.string().max(256).optional(),
});

/**
 * GET /v1/users/{user_id}/agents/stream: an SSE stream of the status changes of one user's runs
 * in the caller's tenant, from every process of the deployment (loomcycle's n8n trigger).
 * `stream_open` first, sent once the subscription is live, then one `run_state` per change,
 * `:keepalive` comments while idle. It never ends on its own; the client leaving unsubscribes.
 */
export function registerUserRunStateRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  app.get("/v1/users/:user_id/agents/stream", async (request, reply) => {
    const { user_id } = parseBody(UserParams, request.params);
    const { status = [], agent = "" } = parseBody(StreamQuery, request.query);
    const closed = abortOnClose(reply);
    const frames = await options.runs.states.follow(tenantOf(request), user_id, { statuses: status, agent, signal: closed });
    const sse = new SseStream(reply, options.limits.sseKeepaliveMs);
    const open: UserStreamOpenFrame = { user_id, filter_status: status, filter_agent: agent, keepalive_interval: goDuration(options.limits.sseKeepaliveMs) };
    sse.send("stream_open", open);
    await pipe(frames, sse);
  });
}

async function pipe(frames: AsyncIterable<RunStateFrame>, sse: SseStream): Promise<void> {
  try {
    for await (const frame of frames) sse.send("run_state", frame satisfies RunStateFrameResponse);
  } finally {
    sse.close();
  }
}

/** A duration as loomcycle (Go) prints it: 20000 → "20s", 1500 → "1.5s". */
function goDuration(ms: number): string {
  return ms % 1000 === 0 || ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/** An AbortSignal that fires when the client goes away. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => controller.abort());
  return controller.signal;
}
