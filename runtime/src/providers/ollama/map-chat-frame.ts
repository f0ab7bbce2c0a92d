import type { ChatResponse } from "ollama";
import type { ModelStreamPart } from "../chat-model.ts";

/**
 * One `/api/chat` NDJSON frame → normalized stream parts: `message.thinking` is thinking,
 * `message.content` is text, each of `message.tool_calls` a tool call. Ollama sends no call ids,
 * so `nextToolCallId` supplies `lc-<turn>-<slot>`.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-with-tools
 */
export function mapChatFrame(frame: ChatResponse, nextToolCallId: () => string): ModelStreamPart[] {
  const parts: ModelStreamPart[] = [];
  const message = frame.message as ChatResponse["message"] | undefined;
  if (message?.thinking) parts.push({ type: "thinking-delta", text: message.thinking });
  if (message?.content) parts.push({ type: "text-delta", text: message.content });
  for (const call of message?.tool_calls ?? []) {
    parts.push({ type: "tool-call", id: nextToolCallId(), name: call.function.name, input: toolInput(call.function.arguments) });
  }
  return parts;
}

/** Arguments are an object on the wire; some models send a JSON string instead. */
function toolInput(value: unknown): Record<string, unknown> {
  if (typeof value === "string") {
    try {
      return toolInput(JSON.parse(value));
    } catch {
      return { value };
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
