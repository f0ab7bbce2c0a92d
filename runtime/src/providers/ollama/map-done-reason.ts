import type { ModelStreamPart } from "../chat-model.ts";

/** The stop reasons a driver may report on `finish`. */
export type FinishStopReason = Extract<ModelStreamPart, { type: "finish" }>["stopReason"];

/**
 * Ollama `done_reason` → normalized stop reason: `length` is the `num_predict` cap; `stop` covers a
 * natural end and a stop sequence; a turn with tool calls is `tool_use` whatever Ollama says.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#response-10
 */
export function mapDoneReason(reason: string | undefined, hasToolCalls: boolean): FinishStopReason {
  if (hasToolCalls) return "tool_use";
  return reason === "length" ? "max_tokens" : "end_turn";
}
