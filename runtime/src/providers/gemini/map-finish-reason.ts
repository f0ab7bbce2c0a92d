import type { ModelStreamPart } from "../chat-model.ts";

/** The stop reasons a driver may report on `finish`. */
export type FinishStopReason = Extract<ModelStreamPart, { type: "finish" }>["stopReason"];

/**
 * Gemini `finishReason` → normalized stop reason. Gemini says `STOP` for a natural end, a stop
 * sequence and a function call alike, so a turn that produced function calls is `tool_use`.
 * Blocked or malformed output (SAFETY, RECITATION, MALFORMED_FUNCTION_CALL…) ends the turn.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishStopReason {
  if (hasToolCalls) return "tool_use";
  return reason === "MAX_TOKENS" ? "max_tokens" : "end_turn";
}
