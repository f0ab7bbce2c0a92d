import { randomUUID } from "node:crypto";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { AppError } from "../../domain/index.ts";
import type { ModelStreamPart } from "../chat-model.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { mapUsage } from "./map-usage.ts";
import { parseToolInput } from "../shared/parse-tool-input.ts";

/** Who served the call, for the usage record; `model` is the configured id (stable for pricing), not the server's echo. */
export interface StreamContext {
  provider: string;
  model: string;
  maxContextTokens: number;
}

/** A delta as compatible servers send it: reasoning arrives as `reasoning_content` (DeepSeek, vLLM) or `reasoning` (OpenRouter, Ollama). */
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null; reasoning?: string | null };
type ToolCallDelta = ChatCompletionChunk.Choice.Delta.ToolCall;

/**
 * Chat Completions chunks (parsed by the SDK) → normalized parts. Text and reasoning deltas pass
 * through; tool calls are accumulated by `index` (arguments arrive in pieces) and emitted when
 * the choice's `finish_reason` arrives; `finish` comes at the end of the stream, after the usage
 * chunk. A stream that ends without a `finish_reason` was cut: a retryable error.
 * @see https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 * @see https://api-docs.deepseek.com/guides/thinking_mode
 */
export async function* convertStream(chunks: AsyncIterable<ChatCompletionChunk>, context: StreamContext): AsyncGenerator<ModelStreamPart> {
  const state = new StreamState(context);
  for await (const chunk of chunks) yield* state.apply(chunk);
  if (state.finishReason === undefined) {
    throw new AppError("PROVIDER_ERROR", `${context.provider}: the stream ended before a finish_reason`, { retryable: true });
  }
  yield state.finish();
}

/** The reasoning and text of one delta, reasoning first (it precedes the answer it explains). */
function textParts(delta: Delta): ModelStreamPart[] {
  const parts: ModelStreamPart[] = [];
  const reasoning = delta.reasoning_content ?? delta.reasoning;
  if (typeof reasoning === "string" && reasoning !== "") parts.push({ type: "thinking-delta", text: reasoning });
  if (typeof delta.content === "string" && delta.content !== "") parts.push({ type: "text-delta", text: delta.content });
  return parts;
}

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

class StreamState {
  finishReason: ChatCompletionChunk.Choice["finish_reason"] | undefined;
  private readonly context: StreamContext;
  private readonly tools = new Map<number, PendingToolCall>();
  private emittedToolCalls = 0;
  private usage: ChatCompletionChunk["usage"];

  constructor(context: StreamContext) {
    this.context = context;
  }

  apply(chunk: ChatCompletionChunk): ModelStreamPart[] {
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice === undefined) return [];
    const delta = (choice.delta ?? {}) as Delta;
    const parts = textParts(delta);
    for (const [position, piece] of (delta.tool_calls ?? []).entries()) this.addToolPiece(piece, position);
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      parts.push(...this.flushToolCalls());
    }
    return parts;
  }

  finish(): ModelStreamPart {
    const { provider, maxContextTokens } = this.context;
    const stopReason = mapFinishReason(this.finishReason, { toolCalls: this.emittedToolCalls });
    return { type: "finish", stopReason, usage: { ...mapUsage(this.usage), model: this.context.model, provider, max_context_tokens: maxContextTokens } };
  }

  private addToolPiece(piece: ToolCallDelta, position: number): void {
    // Some compatible servers omit `index` and send each call whole: fall back to its position.
    const index = typeof piece.index === "number" ? piece.index : position;
    const pending = this.tools.get(index) ?? { id: "", name: "", arguments: "" };
    if (piece.id && pending.id === "") pending.id = piece.id;
    if (piece.function?.name && pending.name === "") pending.name = piece.function.name;
    pending.arguments += piece.function?.arguments ?? "";
    this.tools.set(index, pending);
  }

  private flushToolCalls(): ModelStreamPart[] {
    const calls = [...this.tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    this.tools.clear();
    this.emittedToolCalls += calls.length;
    return calls.map((call) => ({
      type: "tool-call",
      // Servers that send no id still need one: the loop keys tool results by it.
      id: call.id === "" ? `call_${randomUUID()}` : call.id,
      name: call.name,
      input: parseToolInput(call.arguments),
    }));
  }
}
