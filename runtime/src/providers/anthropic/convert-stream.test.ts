import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { AppError } from "../../domain/index.ts";
import type { ModelStreamPart } from "../chat-model.ts";
import { convertStream } from "./convert-stream.ts";

const context = { provider: "anthropic", model: "claude-test", maxContextTokens: 200_000 };

async function* from(events: unknown[]): AsyncGenerator<RawMessageStreamEvent> {
  for (const event of events) yield event as RawMessageStreamEvent;
}

async function collect(events: unknown[]): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of convertStream(from(events), context)) parts.push(part);
  return parts;
}

const start = {
  type: "message_start",
  message: { model: "claude-test-20260101", usage: { input_tokens: 100, output_tokens: 1, cache_creation_input_tokens: 20, cache_read_input_tokens: 30 } },
};

describe("anthropic convertStream", () => {
  it("streams thinking (with its signature), text and tool calls, then finishes with usage", async () => {
    const parts = await collect([
      start,
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "let me " } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "see" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-1" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hi" } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_1", name: "Read", input: {} } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "" } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"path":' } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '"a.txt"}' } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "tool_use", id: "toolu_2", name: "Now", input: {} } },
      { type: "content_block_stop", index: 3 },
      { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 42 } },
      { type: "message_stop" },
    ]);
    expect(parts).toEqual([
      { type: "thinking-delta", text: "let me " },
      { type: "thinking-delta", text: "see" },
      { type: "thinking-delta", text: "", signature: "sig-1" },
      { type: "text-delta", text: "Hi" },
      { type: "tool-call", id: "toolu_1", name: "Read", input: { path: "a.txt" } },
      { type: "tool-call", id: "toolu_2", name: "Now", input: {} },
      {
        type: "finish",
        stopReason: "tool_use",
        usage: {
          input_tokens: 100,
          output_tokens: 42,
          cache_creation_input_tokens: 20,
          cache_read_input_tokens: 30,
          model: "claude-test",
          provider: "anthropic",
          max_context_tokens: 200_000,
        },
      },
    ]);
  });

  it("hands invalid tool JSON to the loop as _raw instead of failing the call", async () => {
    const parts = await collect([
      start,
      { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "Read", input: {} } },
      { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"path": ' } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } },
      { type: "message_stop" },
    ]);
    expect(parts[0]).toEqual({ type: "tool-call", id: "toolu_1", name: "Read", input: { _raw: '{"path": ' } });
  });

  it("fails retryably when the stream ends before message_stop", async () => {
    const cut = collect([start, { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }]);
    await expect(cut).rejects.toBeInstanceOf(AppError);
    await expect(cut).rejects.toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
  });
});
