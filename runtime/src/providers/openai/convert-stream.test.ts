import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import type { ModelStreamPart } from "../chat-model.ts";
import { convertStream } from "./convert-stream.ts";

const context = { provider: "deepseek", model: "deepseek-test", maxContextTokens: 64_000 };

function chunk(delta: Record<string, unknown>, finish: string | null = null): unknown {
  return { id: "c", object: "chat.completion.chunk", created: 0, model: "deepseek-test", choices: [{ index: 0, delta, finish_reason: finish }] };
}

async function collect(chunks: unknown[]): Promise<ModelStreamPart[]> {
  async function* from(): AsyncGenerator<ChatCompletionChunk> {
    for (const item of chunks) yield item as ChatCompletionChunk;
  }
  const parts: ModelStreamPart[] = [];
  for await (const part of convertStream(from(), context)) parts.push(part);
  return parts;
}

describe("openai convertStream", () => {
  it("streams reasoning and text, joins tool-call arguments by index, and finishes with usage", async () => {
    const parts = await collect([
      chunk({ role: "assistant", reasoning_content: "think" }),
      chunk({ content: "ok " }),
      chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "Read", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "Now", arguments: "" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"pa' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'th":"a"}' } }] }),
      chunk({}, "tool_calls"),
      { id: "c", object: "chat.completion.chunk", created: 0, model: "deepseek-test", choices: [], usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } },
    ]);
    expect(parts).toEqual([
      { type: "thinking-delta", text: "think" },
      { type: "text-delta", text: "ok " },
      { type: "tool-call", id: "call_a", name: "Read", input: { path: "a" } },
      { type: "tool-call", id: "call_b", name: "Now", input: {} },
      {
        type: "finish",
        stopReason: "tool_use",
        usage: { input_tokens: 12, output_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, model: "deepseek-test", provider: "deepseek", max_context_tokens: 64_000 },
      },
    ]);
  });

  it("reads `reasoning` (OpenRouter, Ollama) as thinking too, and invents ids a server left out", async () => {
    const parts = await collect([chunk({ reasoning: "r" }), chunk({ tool_calls: [{ function: { name: "Now", arguments: "{}" } }] }), chunk({}, "stop")]);
    expect(parts[0]).toEqual({ type: "thinking-delta", text: "r" });
    expect(parts[1]).toMatchObject({ type: "tool-call", name: "Now", input: {} });
    expect((parts[1] as { id: string }).id).toMatch(/^call_/);
    expect(parts[2]).toMatchObject({ type: "finish", stopReason: "tool_use" });
  });

  it("fails retryably when the stream ends without a finish_reason", async () => {
    await expect(collect([chunk({ content: "par" })])).rejects.toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
  });
});
