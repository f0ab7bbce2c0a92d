import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ModelStreamPart } from "../chat-model.ts";

/** The stop reasons the port carries. */
export type FinishReason = Extract<ModelStreamPart, { type: "finish" }>["stopReason"];

/**
 * Chat Completions `finish_reason` → the port's stop reason. `stop` covers both a natural end
 * and a stop sequence (the API does not tell them apart), so it maps to `end_turn`. A turn is
 * `tool_use` exactly when it produced tool calls, whatever the server says (some say `stop`).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 */
export function mapFinishReason(reason: ChatCompletionChunk.Choice["finish_reason"] | undefined, options: { toolCalls: number }): FinishReason {
  if (options.toolCalls > 0) return "tool_use";
  // `tool_calls` without a call we could read ends the turn: the loop has nothing to run.
  return reason === "length" ? "max_tokens" : "end_turn";
}
