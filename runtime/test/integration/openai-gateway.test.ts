import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { openSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { startTestRuntime } from "../support/test-runtime.ts";

type Runtime = Awaited<ReturnType<typeof startTestRuntime>>;

const TOKEN = "gateway-shared-token-0123456789";
const WEATHER_TOOL = {
  type: "function" as const,
  function: { name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

async function usageRows(runtime: Runtime): Promise<Record<string, unknown>[]> {
  const response = await fetch(`${runtime.url}/v1/_usage?group_by=agent,provider`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { rows: Record<string, unknown>[] }).rows;
}

function gatewayTokens(rows: Record<string, unknown>[], provider: string): { input: number; output: number; calls: number } {
  const row = rows.find((candidate) => candidate["agent"] === "llm_gateway" && candidate["provider"] === provider);
  return { input: Number(row?.["input_tokens"] ?? 0), output: Number(row?.["output_tokens"] ?? 0), calls: Number(row?.["calls"] ?? 0) };
}

describe.each(["pglite", "postgres"] as const)("the OpenAI-compatible API and the native LLM gateway on %s, driven by the official openai client", (kind) => {
  let fake: FakeLlm;
  let runtime: Runtime;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeLlm();
    runtime = await startTestRuntime(kind, {
      auth: { token: TOKEN, pepper: "test-pepper", rotationGraceSeconds: 0 },
      providerEndpoints: [
        { id: "anthropic", driver: "anthropic", baseUrl: fake.baseUrl("anthropic"), apiKeyEnv: null, enabled: true },
        { id: "openai", driver: "openai", baseUrl: fake.baseUrl("openai"), apiKeyEnv: null, enabled: true },
      ],
      models: { fast: { provider: "anthropic", model: "fake-model" } },
      routing: {
        userTiers: {
          default: { providerPriority: [], tiers: { low: [{ provider: "openai", model: "fake-model" }] }, fallbackOnError: false, maxFallbackAttempts: 0, retryAttempts: 1, rateLimitCooldownMs: 1 },
          resilient: {
            providerPriority: [],
            tiers: { middle: [{ provider: "openai", model: "fake-model" }, { provider: "anthropic", model: "fake-model" }] },
            fallbackOnError: true,
            maxFallbackAttempts: 1,
            retryAttempts: 1,
            rateLimitCooldownMs: 1,
          },
        },
      },
      memory: { embedder: { provider: "fake", baseUrl: fake.baseUrl("openai", "embed"), model: "bow-64", apiKeyEnv: null, dimensions: null } },
    });
    client = new OpenAI({ apiKey: TOKEN, baseURL: `${runtime.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("answers a non-streamed completion with a tool call, then takes the tool result back (anthropic path)", async () => {
    fake.script("anthropic", [
      { toolCalls: [{ id: "toolu_1", name: "get_weather", input: { city: "Paris" } }], usage: { input: 11, output: 5 } },
      { text: "It is sunny in Paris.", usage: { input: 20, output: 6 } },
    ]);
    const first = await client.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "Weather in Paris?" }], tools: [WEATHER_TOOL] });
    expect(first.object).toBe("chat.completion");
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: "toolu_1", type: "function", function: { name: "get_weather" } });
    expect(JSON.parse(call?.type === "function" ? call.function.arguments : "null")).toEqual({ city: "Paris" });
    expect(first.usage).toEqual({ prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 });

    const second = await client.chat.completions.create({
      model: "fast",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: "toolu_1", content: "sunny, 24C" },
      ],
      tools: [WEATHER_TOOL],
    });
    expect(second.choices[0]?.message.content).toBe("It is sunny in Paris.");
    expect(second.choices[0]?.finish_reason).toBe("stop");
    const upstream = fake.requests.filter((request) => request.protocol === "anthropic").at(-1)?.body as { system?: unknown; messages: { role: string; content: unknown }[]; tools: { name: string }[] };
    expect(JSON.stringify(upstream.system)).toContain("Be brief.");
    expect(upstream.tools.map((tool) => tool.name)).toEqual(["get_weather"]);
    expect(upstream.messages.at(-1)).toMatchObject({ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1" }] });
    expect(upstream.messages.at(-2)).toMatchObject({ role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] });
  });

  it("streams chat.completion.chunk frames with text and usage (openai path, by tier)", async () => {
    fake.script("openai", [{ text: "hello from the openai path", usage: { input: 5, output: 4 } }]);
    const stream = await client.chat.completions.create({ model: "low", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(new Set(chunks.map((chunk) => chunk.object))).toEqual(new Set(["chat.completion.chunk"]));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("hello from the openai path");
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(["stop"]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
  });

  it("streams a tool call as delta.tool_calls with finish_reason tool_calls (openai path, by provider/model)", async () => {
    fake.script("openai", [{ toolCalls: [{ id: "call_9", name: "get_weather", input: { city: "Oslo" } }], usage: { input: 6, output: 2 } }]);
    const stream = await client.chat.completions.create({ model: "openai/fake-model", messages: [{ role: "user", content: "Oslo?" }], tools: [WEATHER_TOOL], stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toMatchObject([{ index: 0, id: "call_9", type: "function", function: { name: "get_weather" } }]);
    expect(JSON.parse(calls[0]?.function?.arguments ?? "null")).toEqual({ city: "Oslo" });
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(["tool_calls"]);
  });

  it("retries the same provider after a 429's Retry-After", async () => {
    fake.script("openai", [{ error: { status: 429, retryAfterSeconds: 1 } }, { text: "after the retry", usage: { input: 2, output: 3 } }]);
    const started = Date.now();
    const answer = await client.chat.completions.create({ model: "low", messages: [{ role: "user", content: "again" }] });
    expect(answer.choices[0]?.message.content).toBe("after the retry");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("falls back to the user tier's next candidate when a provider keeps failing (loomcycle_user_tier)", async () => {
    fake.script("openai", [{ error: { status: 500 } }, { error: { status: 503 } }]);
    fake.script("anthropic", [{ text: "from the fallback", usage: { input: 1, output: 1 } }]);
    const body = { model: "middle", messages: [{ role: "user" as const, content: "anyone?" }], loomcycle_user_tier: "resilient" };
    const answer = (await client.chat.completions.create(body)) as OpenAI.Chat.Completions.ChatCompletion & { loomcycle_provider?: string };
    expect(answer.choices[0]?.message.content).toBe("from the fallback");
    expect(answer.loomcycle_provider).toBe("anthropic");
  });

  it("ends the raw stream with data: [DONE]", async () => {
    fake.script("openai", [{ text: "bye", usage: { input: 1, output: 1 } }]);
    const response = await fetch(`${runtime.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "low", messages: [{ role: "user", content: "bye" }], stream: true }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(frames.every((frame) => frame.startsWith("data: "))).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
  });

  it("lists aliases and configured models in the OpenAI list shape", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(["fast", "openai/fake-model"]));
  });

  it("embeds through the memory embedder", async () => {
    const answer = await client.embeddings.create({ model: "bow-64", input: ["red apple", "green pear"] });
    expect(answer.data.map((item) => item.index)).toEqual([0, 1]);
    expect(answer.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(answer.model).toBe("bow-64");
  });

  it("refuses a body without messages with a 400 naming the field", async () => {
    const response = await fetch(`${runtime.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "fast" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "invalid_argument", error: expect.stringMatching(/^messages:/) });
    await expect(client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 400 });
  });

  it("refuses a caller without a valid token with 401", async () => {
    const stranger = new OpenAI({ apiKey: "not-the-token", baseURL: `${runtime.url}/v1`, maxRetries: 0 });
    await expect(stranger.chat.completions.create({ model: "fast", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 401 });
    const anonymous = await fetch(`${runtime.url}/v1/models`);
    expect(anonymous.status).toBe(401);
  });

  it("records each gateway call in the usage ledger under llm_gateway, with no run", async () => {
    const before = gatewayTokens(await usageRows(runtime), "openai");
    fake.script("openai", [{ text: "counted", usage: { input: 7, output: 3 } }]);
    await client.chat.completions.create({ model: "low", messages: [{ role: "user", content: "count me" }], user: "alice" });
    const after = gatewayTokens(await usageRows(runtime), "openai");
    expect(after).toEqual({ input: before.input + 7, output: before.output + 3, calls: before.calls + 1 });
    const runs = await fetch(`${runtime.url}/v1/users/alice/agents`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(JSON.stringify(await runs.json())).not.toContain("llm_gateway");
  });

  it("streams /v1/_llm/chat frames in order: provider_chosen, blocks, message_delta, done", async () => {
    fake.script("anthropic", [{ text: "Let me check.", toolCalls: [{ id: "toolu_7", name: "get_weather", input: { city: "Rome" } }], usage: { input: 9, output: 4 } }]);
    const sse = await openSse(`${runtime.url}/v1/_llm/chat`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        provider: "anthropic",
        model: "fake-model",
        stream: true,
        messages: [{ role: "user", content: "Rome?" }],
        tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object" } }],
      }),
    });
    expect(sse.status).toBe(200);
    const frames: SseFrame[] = [];
    for await (const frame of sse.frames) frames.push(frame);
    const order = frames.map((frame) => frame.event).filter((event, index, all) => !(event === "content_block_delta" && all[index - 1] === "content_block_delta"));
    expect(order).toEqual(["provider_chosen", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "done"]);
    expect(frames[0]?.data).toMatchObject({ provider: "anthropic", model: "fake-model", request_id: expect.any(String) });
    const text = frames.filter((frame) => frame.event === "content_block_delta" && frame.data["index"] === 0).map((frame) => (frame.data["delta"] as { text: string }).text).join("");
    expect(text).toBe("Let me check.");
    expect(frames.find((frame) => frame.event === "content_block_start" && frame.data["index"] === 1)?.data).toMatchObject({ block: { type: "tool_use", id: "toolu_7", name: "get_weather" } });
    expect(frames.at(-1)?.data).toMatchObject({ stop_reason: "tool_use", usage: { input_tokens: 9, output_tokens: 4, provider: "anthropic" } });
  });
});

describe("/v1/embeddings without an embedder", () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await startTestRuntime("pglite");
  });
  afterAll(async () => {
    await runtime?.dispose();
  });

  it("answers 503 embedder_not_configured", async () => {
    const client = new OpenAI({ apiKey: "unused", baseURL: `${runtime.url}/v1`, maxRetries: 0 });
    await expect(client.embeddings.create({ model: "any", input: "x" })).rejects.toMatchObject({ status: 503 });
    const response = await fetch(`${runtime.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "any", input: "x" }) });
    expect(await response.json()).toMatchObject({ code: "embedder_not_configured" });
  });
});
