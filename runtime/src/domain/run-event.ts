import type { ContextCompaction } from "./compaction.ts";
import type { Segment } from "./message.ts";
import type { InterruptionNotice, InterruptionPending } from "./interrupt.ts";
import type { ChannelEventInfo } from "./channel.ts";
import type { LimitNotice } from "./limits.ts";

/**
 * The RunEvent union: everything a run records and streams. Type names are loomcycle's wire
 * event names (`text`, `tool_call`, `done`…) so SSE, the transcript and the store share one
 * encoding and existing loomcycle clients read them unchanged.
 */

/** Token accounting for one model call, or cumulative for a run (on `done`). */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  model?: string;
  provider?: string;
  max_context_tokens?: number;
  /** Priced from the operator's `pricing:` table (or reported by the provider); absent when unpriced. */
  cost?: number;
  cost_currency?: string;
}

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** Why and where a run moved from one provider to another (loomcycle's `fallback` payload). */
export interface ProviderFallback {
  failed_provider: string;
  failed_model: string;
  new_provider: string;
  new_model: string;
  attempt: number;
  user_tier: string;
  reason: string;
  cause_error: string;
}

export type StopReason = "end_turn" | "max_iterations" | "max_tokens" | "stop_sequence" | "cancelled";

export type RunEvent =
  /**
   * Persisted only: the caller's input, first row of a run; or a user turn steered into the run
   * (POST /v1/runs/{id}/input): `source: "steer"`, the stored input's id (taken exactly once),
   * and where the caller said it came from (`input_source`: api, webui…).
   */
  | { type: "user_input"; segments: Segment[]; source?: "steer"; input_id?: string; input_source?: string }
  /** An interactive run finished its turn and waits (parked) for the next input; `since_turn` counts its model calls so far. */
  | { type: "awaiting_input"; awaiting_input: { since_turn: number } }
  /** The current turn of an interactive run was cancelled (POST /v1/runs/{id}/cancel); the run then waits for input. */
  | { type: "turn_cancelled"; turn_cancelled: { reason: string; since_turn: number } }
  /** Persisted only: the resolved system prompt, second row of a run. */
  | { type: "system_prompt"; system_prompt: string; agent: string }
  | { type: "started" }
  | { type: "text"; text: string }
  | { type: "thinking"; text: string; signature?: string }
  | { type: "tool_call"; tool_use: ToolUse }
  | { type: "tool_result"; tool_use: ToolUse; text: string; is_error: boolean }
  | { type: "usage"; usage: Usage }
  /** The loop waits, then calls the same provider again; the failed attempt's output is void. */
  | { type: "retry"; retry: { provider: string; attempt: number; wait_ms: number; reason: "retry-after header" | "exponential backoff"; cause_error: string } }
  /** The loop moved to another provider/model mid-run; the failed attempt's output is void. */
  | { type: "provider_fallback"; fallback: ProviderFallback }
  /** Prompt caches of the provider left behind are lost (text says why). */
  | { type: "cache_invalidated"; text: string }
  /** Reasoning/thinking blocks were stripped from the history for the new provider. */
  | { type: "reasoning_invalidated"; text: string }
  /** A thinking-class model was swapped for its non-thinking sibling. */
  | { type: "model_downgraded"; text: string }
  /** The conversation before this point was replaced by a summary (replay cuts the same place). */
  | { type: "context_compaction"; context_compaction: ContextCompaction }
  /** Interruption ask: a question waits for a human answer; the run stays running until it is resolved. */
  | { type: "interruption_pending"; interruption: InterruptionPending }
  /** Interruption notify: a one-way message for the run's user (also listed in the interrupts inbox). */
  | { type: "interruption_notify"; interruption: InterruptionNotice }
  /** The Channel tool published a message. */
  | { type: "channel_publish"; channel: ChannelEventInfo }
  /** The Channel tool consumed a message (subscribe; one event per message). */
  | { type: "channel_delivery"; channel: ChannelEventInfo }
  /** A monthly token budget of the run's tenant or user was reached (once per run and budget tier). */
  | { type: "limit"; limit: LimitNotice }
  | { type: "done"; stop_reason: StopReason; usage: Usage }
  | { type: "error"; error: string; code?: string };

export type RunEventType = RunEvent["type"];

/** A RunEvent as the store holds it: numbered gaplessly per run, in the order it happened. */
export interface StoredEvent {
  run_id: string;
  session_id: string;
  seq: number;
  ts_ms: number;
  event: RunEvent;
}

/** Events that belong to the transcript but are never streamed to live subscribers. */
export const PERSISTED_ONLY: ReadonlySet<RunEventType> = new Set(["user_input", "system_prompt"]);

/** Whether the event ends the run's stream. */
export function isTerminalEvent(event: RunEvent): boolean {
  return event.type === "done" || event.type === "error";
}

/** A zeroed usage record, the identity for `addUsage`. */
export function emptyUsage(): Usage {
  return { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
}

/** Sums token counts; model and provider come from the most recent call. */
export function addUsage(total: Usage, next: Usage): Usage {
  return {
    input_tokens: total.input_tokens + next.input_tokens,
    output_tokens: total.output_tokens + next.output_tokens,
    cache_creation_input_tokens: total.cache_creation_input_tokens + next.cache_creation_input_tokens,
    cache_read_input_tokens: total.cache_read_input_tokens + next.cache_read_input_tokens,
    ...(next.model === undefined ? {} : { model: next.model }),
    ...(next.provider === undefined ? {} : { provider: next.provider }),
    ...(next.max_context_tokens === undefined ? {} : { max_context_tokens: next.max_context_tokens }),
    ...sumCost(total, next),
  };
}

function sumCost(total: Usage, next: Usage): Pick<Usage, "cost" | "cost_currency"> {
  if (next.cost === undefined) return total.cost === undefined ? {} : { cost: total.cost, ...(total.cost_currency ? { cost_currency: total.cost_currency } : {}) };
  const currency = next.cost_currency ?? total.cost_currency;
  return { cost: (total.cost ?? 0) + next.cost, ...(currency ? { cost_currency: currency } : {}) };
}
