import { z } from "zod";
import { CompactionSpec, HANDLE_PATTERN, SamplingSpec, Segment, UserBearer, UserCredentials } from "../../domain/index.ts";
import type { Run, Session, StoredEvent } from "../../domain/index.ts";

/**
 * The HTTP API's wire contract: zod schemas for request bodies and the shapes of responses,
 * wire-compatible with loomcycle 1.0. The web UI imports this module only (`@loomcycle/runtime/contract`),
 * so it must stay free of Node-only code.
 */

const Handle = z.string().regex(HANDLE_PATTERN, "1-128 characters of A-Z a-z 0-9 _ -");

/** loomcycle request fields this build accepts on the wire but does not implement yet. */
const NOT_YET = [
  "web_search_filter",
  "parent_context",
  "run_timeout_seconds",
  "interactive",
] as const;

const notYetFields = Object.fromEntries(NOT_YET.map((name) => [name, z.unknown().optional()]));

const RunInputFields = {
  segments: z.array(Segment).min(1).optional(),
  prompt: z.string().min(1).optional(),
  user_id: Handle.optional(),
  agent_id: Handle.optional(),
  tenant_id: Handle.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  user_tier: z.string().min(1).optional(),
  sampling: SamplingSpec.optional(),
  compaction: CompactionSpec.optional(),
  /** Narrows the agent's tools for this run (`[]` = no tools); names the agent lacks are ignored. */
  tools: z.array(z.string().min(1).max(256)).max(256).optional(),
  /** Narrows the hosts network tools may reach (`[]` = none); hosts the operator or agent lack are ignored. */
  allowed_hosts: z.array(z.string().min(1).max(253)).max(256).optional(),
  /** A token the run's tools may forward (`${run.user_bearer}` in HTTP headers); process memory only, never stored. */
  user_bearer: UserBearer.optional(),
  /** Named secrets for the run's tools (`${cred:<name>}`); process memory only, never stored. */
  user_credentials: UserCredentials.optional(),
  ...notYetFields,
};

/** POST /v1/runs: `{agent, segments}` or the sugar `{agent, prompt}`. */
export const RunRequest = z.strictObject({
  agent: z.string().min(1),
  session_id: z.string().min(1).optional(),
  ...RunInputFields,
});
export type RunRequest = z.infer<typeof RunRequest>;

/** POST /v1/runs/{run_id}/compact. */
export const CompactRequest = z.strictObject({ reason: z.string().max(1_000).optional() });
export type CompactRequest = z.infer<typeof CompactRequest>;

/** POST /v1/sessions/{id}/messages: a new user turn in an existing session. */
export const ContinueRequest = z.strictObject(RunInputFields);
export type ContinueRequest = z.infer<typeof ContinueRequest>;

/** Fields that, when set to anything but their neutral value, are refused as not supported yet. */
export function unsupportedField(body: Record<string, unknown>): string | null {
  for (const name of NOT_YET) {
    const value = body[name];
    if (value === undefined || value === null || value === false) continue;
    return name;
  }
  return null;
}

/** Turns the `prompt` sugar into segments; exactly one of the two must be present. */
export function inputSegments(body: { segments?: Segment[] | undefined; prompt?: string | undefined }): Segment[] | null {
  if (body.segments !== undefined && body.prompt !== undefined) return null;
  if (body.segments !== undefined) return body.segments;
  if (body.prompt !== undefined) return [{ role: "user", content: [{ type: "text", text: body.prompt }] }];
  return null;
}

/** The run status document (loomcycle's agentResponse), for GET /v1/agents/{id} and GET /v1/runs/{id}. */
export interface RunStatusResponse {
  agent_id: string;
  run_id: string;
  session_id: string;
  agent: string;
  user_id: string | null;
  /** The agent_id of the run that spawned this one (Agent tool); null for a top-level run. */
  parent_agent_id: string | null;
  status: Run["status"];
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  stop_reason: string | null;
  error: string | null;
  usage: { input_tokens: number; output_tokens: number; cache_creation_tokens: number; cache_read_tokens: number; model: string };
  last_heartbeat_at: string | null;
  live: boolean;
  interactive: false;
  /** `interrupted` while the run waits on an Interruption ask (loomcycle's awaited_state); "" otherwise. */
  awaited_state: "" | "interrupted";
}

/** Maps a run to its status document. */
export function toRunStatus(run: Run, live: boolean, awaitedState: RunStatusResponse["awaited_state"] = ""): RunStatusResponse {
  return {
    agent_id: run.agent_id,
    run_id: run.id,
    session_id: run.session_id,
    agent: run.agent,
    user_id: run.user_id,
    parent_agent_id: run.parent_agent_id,
    status: run.status,
    created_at: run.created_at.toISOString(),
    started_at: run.started_at?.toISOString() ?? null,
    completed_at: run.completed_at?.toISOString() ?? null,
    stop_reason: run.stop_reason,
    error: run.error,
    usage: {
      input_tokens: run.usage.input_tokens,
      output_tokens: run.usage.output_tokens,
      cache_creation_tokens: run.usage.cache_creation_input_tokens,
      cache_read_tokens: run.usage.cache_read_input_tokens,
      model: run.usage.model ?? "",
    },
    last_heartbeat_at: run.heartbeat_at?.toISOString() ?? null,
    live,
    interactive: false,
    awaited_state: awaitedState,
  };
}

/** The JSON answer to POST /v1/runs with `Accept: application/json` (loomcycle's batch result shape). */
export interface RunResultResponse {
  agent_id: string;
  run_id: string;
  session_id: string;
  status: Run["status"];
  stop_reason: string | null;
  final_text: string;
  usage: Run["usage"];
  error: string | null;
}

/** Maps a finished run and its final text to the JSON result (also a batch child's result). */
export function toRunResult(result: { run: Run; finalText: string }): RunResultResponse {
  const { run } = result;
  return {
    agent_id: run.agent_id,
    run_id: run.id,
    session_id: run.session_id,
    status: run.status,
    stop_reason: run.stop_reason,
    final_text: result.finalText,
    usage: run.usage,
    error: run.error,
  };
}

/** One row of GET /v1/sessions/{id}/transcript. `payload` is set for user_input and system_prompt rows. */
export interface TranscriptEvent {
  seq: number;
  run_id: string;
  ts_ns: number;
  type: string;
  event: StoredEvent["event"];
  payload?: unknown;
}

/** GET /v1/sessions/{id}/transcript. */
export interface TranscriptResponse {
  session: { id: string; tenant_id: string; agent: string; created_at: string; user_id: string | null };
  events: TranscriptEvent[];
}

/** Maps a session and its events to the transcript document. */
export function toTranscript(session: Session, events: readonly StoredEvent[]): TranscriptResponse {
  return {
    session: {
      id: session.id,
      tenant_id: session.tenant_id,
      agent: session.agent,
      created_at: session.created_at.toISOString(),
      user_id: session.user_id,
    },
    events: events.map((stored) => ({
      seq: stored.seq,
      run_id: stored.run_id,
      ts_ns: stored.ts_ms * 1_000_000,
      type: stored.event.type,
      event: stored.event,
      ...(stored.event.type === "user_input" ? { payload: stored.event.segments } : {}),
      ...(stored.event.type === "system_prompt" ? { payload: { system_prompt: stored.event.system_prompt } } : {}),
    })),
  };
}

/** Error body of every non-2xx answer. */
export interface ErrorResponse {
  code: string;
  error: string;
}
