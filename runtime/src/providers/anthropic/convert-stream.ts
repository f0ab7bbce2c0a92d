import type {
  MessageDeltaUsage,
  RawContentBlockDeltaEvent,
  RawContentBlockStartEvent,
  RawMessageStreamEvent,
  Usage as AnthropicUsage,
} from "@anthropic-ai/sdk/resources/messages";
import { AppError } from "../../domain/index.ts";
import type { Usage } from "../../domain/index.ts";
import type { ModelStreamPart } from "../chat-model.ts";
import { mapStopReason } from "./map-stop-reason.ts";
import type { FinishReason } from "./map-stop-reason.ts";
import { parseToolInput } from "../shared/parse-tool-input.ts";

/** Who served the call, for the usage record; `model` is the configured id (stable for pricing), not the server's echo. */
export interface StreamContext {
  provider: string;
  model: string;
  maxContextTokens: number;
}

/**
 * Messages API stream events (parsed by the SDK) → normalized parts: text and thinking deltas as
 * they come (a `signature_delta` becomes a thinking delta with empty text and the signature), one
 * `tool-call` per tool_use block at its `content_block_stop`, and `finish` with usage at
 * `message_stop`. A stream that ends before `message_stop` was cut: a retryable error.
 * @see https://platform.claude.com/docs/en/build-with-claude/streaming
 */
export async function* convertStream(events: AsyncIterable<RawMessageStreamEvent>, context: StreamContext): AsyncGenerator<ModelStreamPart> {
  const state = new StreamState(context);
  for await (const event of events) {
    yield* state.apply(event);
    if (state.finished) return;
  }
  throw new AppError("PROVIDER_ERROR", `${context.provider}: the stream ended before message_stop`, { retryable: true });
}

interface PendingToolCall {
  id: string;
  name: string;
  json: string;
}

class StreamState {
  finished = false;
  private readonly tools = new Map<number, PendingToolCall>();
  private readonly usage: Usage;
  private stopReason: FinishReason = "end_turn";

  constructor(context: StreamContext) {
    this.usage = {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      model: context.model,
      provider: context.provider,
      max_context_tokens: context.maxContextTokens,
    };
  }

  apply(event: RawMessageStreamEvent): ModelStreamPart[] {
    switch (event.type) {
      case "message_start":
        this.addUsage(event.message.usage);
        return [];
      case "content_block_start":
        return this.startBlock(event);
      case "content_block_delta":
        return this.delta(event);
      case "content_block_stop":
        return this.stopBlock(event.index);
      case "message_delta":
        this.stopReason = mapStopReason(event.delta.stop_reason);
        this.addUsage(event.usage);
        return [];
      case "message_stop":
        this.finished = true;
        return [{ type: "finish", stopReason: this.stopReason, usage: { ...this.usage } }];
      default:
        return [];
    }
  }

  private startBlock(event: RawContentBlockStartEvent): ModelStreamPart[] {
    const block = event.content_block;
    if (block.type === "tool_use") {
      const initial = Object.keys(block.input ?? {}).length > 0 ? JSON.stringify(block.input) : "";
      this.tools.set(event.index, { id: block.id, name: block.name, json: initial });
      return [];
    }
    if (block.type === "text" && block.text !== "") return [{ type: "text-delta", text: block.text }];
    if (block.type === "thinking" && (block.thinking !== "" || block.signature !== "")) {
      return [{ type: "thinking-delta", text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) }];
    }
    return [];
  }

  private delta(event: RawContentBlockDeltaEvent): ModelStreamPart[] {
    const delta = event.delta;
    switch (delta.type) {
      case "text_delta":
        return [{ type: "text-delta", text: delta.text }];
      case "thinking_delta":
        return [{ type: "thinking-delta", text: delta.thinking }];
      case "signature_delta":
        return [{ type: "thinking-delta", text: "", signature: delta.signature }];
      case "input_json_delta": {
        const pending = this.tools.get(event.index);
        if (pending !== undefined) pending.json += delta.partial_json;
        return [];
      }
      default:
        return [];
    }
  }

  private stopBlock(index: number): ModelStreamPart[] {
    const pending = this.tools.get(index);
    if (pending === undefined) return [];
    this.tools.delete(index);
    return [{ type: "tool-call", id: pending.id, name: pending.name, input: parseToolInput(pending.json) }];
  }

  /** message_start carries the input counts; message_delta the cumulative output (and may restate input). */
  private addUsage(usage: Partial<AnthropicUsage | MessageDeltaUsage> | undefined): void {
    this.usage.input_tokens = count(usage?.input_tokens) ?? this.usage.input_tokens;
    this.usage.output_tokens = count(usage?.output_tokens) ?? this.usage.output_tokens;
    this.usage.cache_creation_input_tokens = count(usage?.cache_creation_input_tokens) ?? this.usage.cache_creation_input_tokens;
    this.usage.cache_read_input_tokens = count(usage?.cache_read_input_tokens) ?? this.usage.cache_read_input_tokens;
  }
}

/** A token count when the server sent one (compatible servers leave fields out or null). */
function count(value: number | null | undefined): number | undefined {
  return typeof value === "number" ? value : undefined;
}
