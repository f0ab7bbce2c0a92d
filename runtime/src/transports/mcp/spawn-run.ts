import { z } from "zod";
import { AppError, HANDLE_PATTERN, Segment } from "../../domain/index.ts";
import type { Principal, Run, StoredEvent } from "../../domain/index.ts";
import type { RunService } from "../../service/index.ts";
import { runResultDoc } from "./run-docs.ts";
import { defineTool } from "./tool-kit.ts";
import type { McpServices, McpTool, ToolContext } from "./tool-kit.ts";

/** The longest wait a caller may ask of spawn_run (one hour). */
export const MAX_SPAWN_TIMEOUT_MS = 3_600_000;

const Handle = z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -");

const SpawnInput = z.strictObject({
  agent: z.string().min(1).optional().describe("the agent to run (or give session_id to continue a session)"),
  session_id: z.string().min(1).optional().describe("continue this session (with agent: start a run of that agent in it)"),
  prompt: z.string().min(1).optional().describe("the user turn as plain text (or segments)"),
  segments: z.array(Segment).min(1).optional().describe("the user turn as input segments (or prompt)"),
  user_id: Handle.optional(),
  agent_id: Handle.optional().describe("the caller's handle for the run"),
  user_tier: z.string().min(1).optional(),
  metadata: z.record(z.string(), z.unknown()).optional().describe("free-form run metadata, as POST /v1/runs"),
  tenant_id: z.string().optional().describe("accepted and ignored: the tenant is the token's"),
  timeout_ms: z.number().int().min(1).max(MAX_SPAWN_TIMEOUT_MS).optional().describe("how long to wait for the run (default: the server's)"),
});
type SpawnInput = z.infer<typeof SpawnInput>;

/**
 * spawn_run (POST /v1/runs or POST /v1/sessions/{id}/messages, runs:create): starts a run and
 * waits for its end or `timeout_ms`, answering {agent_id, run_id, session_id, status,
 * stop_reason, final_text, usage, error}. With a progressToken, each run event is a progress
 * notification whose message is the event's JSON.
 */
export function spawnRunTool(services: McpServices): McpTool {
  return defineTool({
    name: "spawn_run",
    description: "Start a run of an agent (or continue a session) and wait for its final answer.",
    input: SpawnInput,
    scope: "runs:create",
    run: async (input, context) => {
      const run = await startRun(services.runs, input, context.principal);
      return awaitRun({ runs: services.runs, run, timeoutMs: input.timeout_ms ?? services.spawnTimeoutMs, context });
    },
  });
}

async function startRun(runs: RunService, input: SpawnInput, principal: Principal): Promise<Run> {
  const common = {
    segments: segmentsOf(input),
    ...ownerOf(principal, input.user_id),
    ...(input.agent_id === undefined ? {} : { agent_id: input.agent_id }),
    ...(input.user_tier === undefined ? {} : { options: { user_tier: input.user_tier } }),
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  };
  if (input.agent !== undefined) return (await runs.startRun({ ...common, agent: input.agent, ...(input.session_id === undefined ? {} : { session_id: input.session_id }) })).run;
  if (input.session_id !== undefined) return (await runs.continueSession(input.session_id, common)).run;
  throw new AppError("INVALID_ARGUMENT", "agent: give `agent` (or `session_id` to continue a session)", { details: { field: "agent" } });
}

function segmentsOf(input: SpawnInput): Segment[] {
  if (input.segments !== undefined && input.prompt === undefined) return input.segments;
  if (input.prompt !== undefined && input.segments === undefined) return [{ role: "user", content: [{ type: "text", text: input.prompt }] }];
  throw new AppError("INVALID_ARGUMENT", "segments: give either `segments` or `prompt`, not both and not neither", { details: { field: "segments" } });
}

/** The run's owner, as over HTTP: the principal's tenant; a minted token's subject, else the given user_id. */
export function ownerOf(principal: Principal, wireUserId: string | undefined): { tenant_id: string; user_id?: string } {
  const userId = principal.kind === "token" ? principal.subject : wireUserId;
  return { tenant_id: principal.tenantId, ...(userId === undefined ? {} : { user_id: userId }) };
}

async function awaitRun(options: { runs: RunService; run: Run; timeoutMs: number; context: ToolContext }): Promise<object> {
  const { runs, run, context } = options;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout]);
  const forwarding = context.progress === null ? Promise.resolve() : forwardEvents(runs.followRun(run.id, 0, signal), context.progress);
  try {
    const result = await runs.waitForResult(run.id, signal);
    return runResultDoc(result.run, result.finalText, timeout.aborted);
  } finally {
    await forwarding;
  }
}

/** Each event of the run as one progress notification; a closed stream just ends the forwarding. */
async function forwardEvents(events: AsyncIterable<StoredEvent>, progress: (message: string) => Promise<void>): Promise<void> {
  try {
    for await (const stored of events) await progress(JSON.stringify({ seq: stored.seq, ...stored.event }));
  } catch {
    // the client went away: the run goes on, there is no one left to tell
  }
}
