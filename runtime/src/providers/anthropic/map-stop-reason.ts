import type { StopReason } from "@anthropic-ai/sdk/resources/messages";
import type { ModelStreamPart } from "../chat-model.ts";

/** The stop reasons the port carries. */
export type FinishReason = Extract<ModelStreamPart, { type: "finish" }>["stopReason"];

/**
 * Messages API `stop_reason` → the port's stop reason. `model_context_window_exceeded` is a
 * length stop like `max_tokens`; `refusal` and `pause_turn` (server tools, which we never
 * declare) end the turn. A missing reason ends the turn too.
 * @see https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons
 */
export function mapStopReason(reason: StopReason | null | undefined): FinishReason {
  switch (reason) {
    case "tool_use":
      return "tool_use";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "max_tokens";
    case "stop_sequence":
      return "stop_sequence";
    default:
      return "end_turn";
  }
}
