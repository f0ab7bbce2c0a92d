import OpenAI from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeLlm } from "./index.ts";
import { startFakeLlm } from "./index.ts";

const REQUEST = { model: "gpt-fake", messages: [{ role: "user" as const, content: "hello" }] };

/** DeepSeek-style deltas carry `reasoning_content`, which the OpenAI types do not declare. */
type ReasoningDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };

interface AccumulatedCall {
  id?: string;
  name?: string;
  pieces: string[];
}

/** Joins index-keyed tool call deltas the way a driver must. */
function accumulateToolCalls(chunks: ChatCompletionChunk[]): Map<number, AccumulatedCall> {
  const calls = new Map<number, AccumulatedCall>();
  for (const toolCall of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
    const call = calls.get(toolCall.index) ?? { pieces: [] };
    call.id ??= toolCall.id;
    call.name ??= toolCall.function?.name;
    call.pieces.push(toolCall.function?.arguments ?? "");
    calls.set(toolCall.index, call);
  }
  return calls;
}

describe("fake LLM speaking OpenAI Chat Completions to the openai SDK", () => {
  let fake: FakeLlm;
  let client: OpenAI;

  const collect = async (extra: Partial<OpenAI.ChatCompletionCreateParamsStreaming> = {}): Promise<ChatCompletionChunk[]> => {
    const stream = await client.chat.completions.create({ ...REQUEST, stream: true, ...extra });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  };

  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    client = new OpenAI({ apiKey: "sk-openai-secret", baseURL: fake.baseUrl("openai"), maxRetries: 0 });
  });

  it("streams text as several content deltas ending with finish_reason stop", async () => {
    fake.script("openai", [{ text: "The quick brown fox jumps." }]);
    const chunks = await collect();
    const contents = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").filter((text) => text !== "");
    expect(contents.length).toBeGreaterThan(1);
    expect(contents.join("")).toBe("The quick brown fox jumps.");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
  });

  it("streams parallel tool calls keyed by index with arguments in pieces", async () => {
    fake.script("openai", [
      {
        toolCalls: [
          { name: "get_weather", input: { city: "Paris", unit: "celsius" } },
          { name: "get_time", input: { zone: "Europe/Paris" }, id: "call_given" },
        ],
      },
    ]);
    const chunks = await collect();
    const calls = accumulateToolCalls(chunks);
    expect(calls.get(0)?.pieces.filter((piece) => piece !== "").length).toBeGreaterThan(1);
    expect(JSON.parse(calls.get(0)?.pieces.join("") ?? "")).toEqual({ city: "Paris", unit: "celsius" });
    expect(calls.get(0)?.id).toMatch(/^call_/);
    expect(calls.get(0)?.name).toBe("get_weather");
    expect(calls.get(1)).toMatchObject({ id: "call_given", name: "get_time" });
    expect(JSON.parse(calls.get(1)?.pieces.join("") ?? "")).toEqual({ zone: "Europe/Paris" });
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("accumulates tool calls through the SDK's stream helper", async () => {
    fake.script("openai", [{ text: "Checking.", toolCalls: [{ name: "lookup", input: { q: "x" } }] }]);
    const completion = await client.chat.completions.stream({ ...REQUEST, stream: true }).finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("Checking.");
    expect(message?.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } });
  });

  it("streams thinking as DeepSeek-style reasoning_content deltas", async () => {
    fake.script("openai", [{ thinking: "Let me think about it.", text: "Done." }]);
    const deltas = (await collect()).map((chunk) => chunk.choices[0]?.delta as ReasoningDelta | undefined);
    expect(deltas.map((delta) => delta?.reasoning_content ?? "").join("")).toBe("Let me think about it.");
    expect(deltas.map((delta) => delta?.content ?? "").join("")).toBe("Done.");
  });

  it("sends a final usage chunk only when stream_options.include_usage is set", async () => {
    fake.script("openai", [
      { text: "hi", usage: { input: 100, output: 5, cacheRead: 80 } },
      { text: "hi", usage: { input: 100, output: 5 } },
    ]);
    const withUsage = await collect({ stream_options: { include_usage: true } });
    expect(withUsage.at(-1)?.choices).toEqual([]);
    expect(withUsage.at(-1)?.usage).toMatchObject({
      prompt_tokens: 100,
      completion_tokens: 5,
      total_tokens: 105,
      prompt_tokens_details: { cached_tokens: 80 },
    });
    const without = await collect();
    expect(without.some((chunk) => chunk.usage)).toBe(false);
  });

  it("maps max_tokens to finish_reason length", async () => {
    fake.script("openai", [{ text: "cut", stopReason: "max_tokens" }]);
    expect((await collect()).at(-1)?.choices[0]?.finish_reason).toBe("length");
  });

  it("answers a non-streaming request with a chat.completion", async () => {
    fake.script("openai", [{ text: "whole", thinking: "hmm", toolCalls: [{ name: "lookup", input: { q: 1 } }] }]);
    const completion = await client.chat.completions.create(REQUEST);
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message).toMatchObject({ content: "whole", reasoning_content: "hmm" });
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ function: { name: "lookup", arguments: '{"q":1}' } });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.usage?.total_tokens).toBe(12);
  });

  it("surfaces a scripted 429 as RateLimitError with retry-after and the documented error body", async () => {
    fake.script("openai", [{ error: { status: 429, retryAfterSeconds: 3, message: "slow down" } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(apiError.headers?.get("retry-after")).toBe("3");
    expect(apiError.error).toMatchObject({ message: "slow down", type: "requests", code: "rate_limit_exceeded" });
  });

  it("surfaces a scripted 500 as InternalServerError", async () => {
    fake.script("openai", [{ error: { status: 500 } }]);
    const error = await collect().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
  });

  it("makes the SDK fail when the stream is cut mid-way", async () => {
    fake.script("openai", [{ text: "one two three four five six", cutAfterChunks: 3 }]);
    await expect(collect()).rejects.toThrow();
  });

  it("records the request with its bearer key and parsed body under the openai scope", async () => {
    await collect({ stream_options: { include_usage: true } });
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({ protocol: "openai", scope: "openai", method: "POST", path: "/v1/chat/completions" });
    expect(recorded?.headers.authorization).toBe("Bearer sk-openai-secret");
    expect(recorded?.body).toMatchObject({ ...REQUEST, stream: true, stream_options: { include_usage: true } });
  });

  it("lists the default model through GET /v1/models", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["fake-model"]);
  });

  it("keeps the reply queues of two OpenAI-compatible scopes apart", async () => {
    fake.script("openai", [{ text: "deepseek says" }], "deepseek");
    fake.script("openai", [{ text: "groq says" }], "groq");
    const groq = new OpenAI({ apiKey: "k", baseURL: fake.baseUrl("openai", "groq"), maxRetries: 0 });
    const deepseek = new OpenAI({ apiKey: "k", baseURL: fake.baseUrl("openai", "deepseek"), maxRetries: 0 });
    expect((await groq.chat.completions.create(REQUEST)).choices[0]?.message.content).toBe("groq says");
    expect((await deepseek.chat.completions.create(REQUEST)).choices[0]?.message.content).toBe("deepseek says");
    expect(fake.requests.map((request) => request.scope)).toEqual(["groq", "deepseek"]);
  });
});
