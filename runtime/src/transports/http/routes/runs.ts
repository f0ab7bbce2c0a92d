import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { AppError } from "../../../domain/index.ts";
import type { Run, Session, StoredEvent } from "../../../domain/index.ts";
import type { HttpAppOptions } from "../types.ts";
import { CompactRequest, ContinueRequest, RunRequest, toRunResult, toRunStatus } from "../contract.ts";
import { runInput } from "../run-input.ts";
import type { RunResultResponse } from "../contract.ts";
import { parseBody } from "../parse-body.ts";
import { SseStream } from "../sse.ts";
import { tenantOf } from "../principal.ts";
import { runOwner } from "../tenant-scope.ts";
import { registerRunSteeringRoutes } from "./run-steering.ts";

/** Idempotency-Key: 1 to 255 visible ASCII characters (a UUID fits). */
const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/, "expected 1 to 255 visible ASCII characters (a UUID, for example)");

/** The request's Idempotency-Key header, if any; a malformed one is a 400 naming the header. */
function idempotencyKey(request: FastifyRequest): { idempotency_key?: string } {
  const raw = request.headers["idempotency-key"];
  if (raw === undefined) return {};
  const parsed = IdempotencyKey.safeParse(Array.isArray(raw) ? raw.join(",") : raw);
  if (!parsed.success) {
    throw new AppError("INVALID_ARGUMENT", `Idempotency-Key: ${parsed.error.issues[0]?.message ?? "invalid"}`, { details: { field: "Idempotency-Key" } });
  }
  return { idempotency_key: parsed.data };
}

const StreamQuery = z.object({ from_seq: z.coerce.number().int().min(0).default(0) });
const RunParams = z.object({ run_id: z.string().min(1) });
const SessionParams = z.object({ id: z.string().min(1) });

/**
 * POST /v1/runs, POST /v1/sessions/{id}/messages, GET /v1/runs/{id}, POST /v1/runs/{id}/compact,
 * GET /v1/runs/{id}/stream, and the steering routes POST /v1/runs/{id}/input and /cancel.
 */
export function registerRunRoutes(app: FastifyInstance, options: HttpAppOptions): void {
  const { runs } = options;
  registerRunSteeringRoutes(app, options);

  app.post("/v1/runs", async (request, reply) => {
    const body = parseBody(RunRequest, request.body);
    refuseBlockingInteractive(request, body.interactive);
    const owner = runOwner(request, body.user_id);
    const key = idempotencyKey(request);
    const started = await runs.startRun({ ...runInput(body), ...owner, agent: body.agent, ...(body.session_id ? { session_id: body.session_id } : {}), ...key });
    // A repeated Idempotency-Key answers the run the first request created, from its first event.
    // Set on the raw response: the SSE answer writes its own head (hijacked), the JSON one merges it.
    if (started.replayed === true) reply.raw.setHeader("idempotent-replayed", "true");
    await answerRun({ request, reply, options, ...started });
  });

  app.post("/v1/sessions/:id/messages", async (request, reply) => {
    const { id } = parseBody(SessionParams, request.params);
    const body = parseBody(ContinueRequest, request.body);
    refuseBlockingInteractive(request, body.interactive);
    const started = await runs.continueSession(id, { ...runInput(body), ...runOwner(request, body.user_id) });
    await answerRun({ request, reply, options, ...started });
  });

  app.get("/v1/runs/:run_id", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const view = await runs.getRun(tenantOf(request), run_id);
    return toRunStatus(view.run, view.live);
  });

  app.post("/v1/runs/:run_id/compact", async (request) => {
    const { run_id } = parseBody(RunParams, request.params);
    const { reason } = parseBody(CompactRequest, request.body ?? {});
    return runs.compactRun(tenantOf(request), run_id, reason);
  });

  app.get("/v1/runs/:run_id/stream", async (request, reply) => {
    const { run_id } = parseBody(RunParams, request.params);
    const { from_seq } = parseBody(StreamQuery, { from_seq: request.headers["last-event-id"], ...(request.query as object) });
    const closed = abortOnClose(reply);
    const { run, events } = await runs.streamRun({ tenantId: tenantOf(request), runId: run_id, fromSeq: from_seq, signal: closed });
    const sse = new SseStream(reply, options.limits.sseKeepaliveMs);
    sse.send("agent", { agent_id: run.agent_id, run_id: run.id, session_id: run.session_id, parent_agent_id: run.parent_agent_id });
    await pipe(events, sse);
  });
}

interface AnswerInput {
  request: FastifyRequest;
  reply: FastifyReply;
  options: HttpAppOptions;
  run: Run;
  session: Session;
}

/** Streams the new run as SSE, or, for `Accept: application/json` alone, answers its result. */
async function answerRun(input: AnswerInput): Promise<void> {
  const { reply, options, run, session } = input;
  const closed = abortOnClose(reply);
  if (wantsJson(input.request)) {
    await reply.send(await collectResult(run, options, closed));
    return;
  }
  const events = options.runs.followRun(run.id, 0, closed);
  const sse = new SseStream(reply, options.limits.sseKeepaliveMs);
  sse.send("session", { type: "session", text: session.id });
  sse.send("agent", { agent_id: run.agent_id, run_id: run.id, session_id: session.id, parent_agent_id: null });
  await pipe(events, sse);
}

async function pipe(events: AsyncIterable<StoredEvent>, sse: SseStream): Promise<void> {
  try {
    for await (const stored of events) sse.send(stored.event.type, stored.event, stored.seq);
  } finally {
    sse.close();
  }
}

async function collectResult(run: Run, options: HttpAppOptions, signal: AbortSignal): Promise<RunResultResponse> {
  return toRunResult(await options.runs.waitForResult(run.id, signal));
}

/** An interactive run ends only when cancelled: a JSON answer (which waits for the end) would never come. */
function refuseBlockingInteractive(request: FastifyRequest, interactive: boolean | undefined): void {
  if (interactive !== true || !wantsJson(request)) return;
  throw new AppError("INVALID_ARGUMENT", "interactive: an interactive run answers as a stream (Accept: text/event-stream); a JSON answer waits for the run's end", {
    details: { field: "interactive" },
  });
}

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return accept.includes("application/json") && !accept.includes("text/event-stream");
}

/** An AbortSignal that fires when the client goes away. */
function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on("close", () => controller.abort());
  return controller.signal;
}
