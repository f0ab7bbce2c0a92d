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
  /** An interactive run: it parks at `awaiting_input` after each turn and goes on with steered input (POST /v1/runs/{id}/input). */
  interactive: z.boolean().optional(),
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

/** POST /v1/runs/{run_id}/input: a user turn steered into a run. */
export const RunInputRequest = z.strictObject({
  text: z.string().max(100_000).refine((text) => text.trim() !== "", "must not be empty"),
  /** Where the input comes from (api, webui…); default `api`. */
  source: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "1-64 characters of A-Z a-z 0-9 _ . -").optional(),
});
export type RunInputRequest = z.infer<typeof RunInputRequest>;

/** POST /v1/runs/{run_id}/cancel: cancel the current turn of an interactive run. */
export const TurnCancelRequest = z.strictObject({ reason: z.string().max(1_000).optional() });
export type TurnCancelRequest = z.infer<typeof TurnCancelRequest>;

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
  interactive: boolean;
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
    interactive: run.options.interactive === true,
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

/** First frame (`event: stream_open`) of GET /v1/users/{id}/agents/stream, sent once the stream is subscribed. */
export interface UserStreamOpenFrame {
  user_id: string;
  /** The `?status=` filter; empty = every status. */
  filter_status: string[];
  /** The `?agent=` filter (an agent name); empty = every agent. */
  filter_agent: string;
  /** How often `:keepalive` comments come while idle, as a Go duration ("20s"). */
  keepalive_interval: string;
}

/** One status change of a user's run (`event: run_state`) on GET /v1/users/{id}/agents/stream. */
export interface RunStateFrameResponse {
  run_id: string;
  agent_id: string;
  agent: string;
  user_id: string;
  parent_agent_id: string | null;
  status: string;
  stop_reason: string | null;
  error: string | null;
  /** When the change happened (RFC 3339). */
  ts: string;
}

/** POST /v1/_snapshots (loomcycle §2.7). `include_history` is accepted; this build has no history section yet. */
export const CreateSnapshotBody = z.strictObject({
  label: z.string().max(256).optional(),
  description: z.string().max(256).optional(),
  include_history: z.boolean().optional(),
  include_history_since: z.string().optional(),
  max_bytes: z.number().int().min(1).optional(),
});
export type CreateSnapshotBody = z.infer<typeof CreateSnapshotBody>;

/** GET /v1/_snapshots?limit&label_contains. */
export const ListSnapshotsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  label_contains: z.string().max(256).optional(),
});

/** POST /v1/_snapshots/{id}/restore: `json` = an inline envelope (the id in the path is then ignored; clients use `inline`). */
export const RestoreSnapshotBody = z.strictObject({
  json: z.record(z.string(), z.unknown()).optional(),
  include_history: z.boolean().optional(),
});
export type RestoreSnapshotBody = z.infer<typeof RestoreSnapshotBody>;

/** A snapshot's descriptor. */
export interface SnapshotDescriptorResponse {
  snapshot_id: string;
  created_at: string;
  label: string | null;
  schema_version: string;
  size_bytes: number;
  sections: Record<string, { version: string; count: number }>;
}

/** What a restore brought back (counts of new rows), what it skipped and which format migrations ran. */
export interface SnapshotRestoreResponse {
  definitions_restored: number;
  active_pointers_restored: number;
  memory_restored: number;
  channel_messages_restored: number;
  channel_cursors_restored: number;
  evaluations_restored: number;
  paused_runs_restored: number;
  sessions_restored: number;
  transcript_events_restored: number;
  warnings: string[];
  format_migrations: string[];
}

/** POST /v1/_pause (loomcycle §2.7): how long to wait for runs to reach a boundary before parking them at once (default 30 s, max 5 min). */
export const PauseBody = z.strictObject({
  timeout_ms: z.number().int("expected a whole number of milliseconds").min(0).max(300_000).optional(),
});
export type PauseBody = z.infer<typeof PauseBody>;

/** POST /v1/_pause answer. */
export interface PauseResponse {
  state: "running" | "pausing" | "paused";
  duration_ms: number;
  force_cancelled_count: number;
  paused_runs_count: number;
  warnings: string[];
}

/** POST /v1/_resume answer. */
export interface ResumeResponse {
  state: "running";
  resumed_runs_count: number;
  warnings: string[];
}

/** GET /v1/_state answer. */
export interface RuntimeStateResponse {
  state: "running" | "pausing" | "paused";
  paused_runs_count: number;
  paused_at: string | null;
}
