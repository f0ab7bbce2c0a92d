import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "../../src/domain/index.ts";
import type { ChatModel, ModelRequest } from "../../src/providers/chat-model.ts";
import { createGeminiChatModel } from "../../src/providers/gemini/index.ts";
import { ContextWindowCache, createOllamaChatModel } from "../../src/providers/ollama/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm, FakeProtocol } from "../fake-llm/index.ts";
import { closedPortUrl, collect, failure, finish, roundTrip, text, toolCalls } from "./providers-stream-helpers.ts";

/**
 * The Gemini and Ollama drivers against the fake LLM server, through their official clients:
 * what goes over the wire each way, and how failures surface as AppErrors.
 */

let fake: FakeLlm;

beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

const TOOLS = [
  { name: "get_weather", description: "Weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } } } },
  { name: "get_time", description: "Local time in a city", input_schema: { type: "object", properties: { city: { type: "string" } } } },
];

function request(messages: Message[], extra: Partial<ModelRequest> = {}): ModelRequest {
  return { system: "You are terse.", messages, tools: TOOLS, maxTokens: 0, metadata: {}, ...extra };
}

const ask: Message = { role: "user", content: [{ type: "text", text: "Weather and time in Paris?" }] };

function bodies(protocol: FakeProtocol, pathPart: string): Record<string, unknown>[] {
  return fake.requests.filter((entry) => entry.protocol === protocol && entry.path.includes(pathPart)).map((entry) => entry.body as Record<string, unknown>);
}

describe("gemini driver (via @google/genai)", () => {
  const gemini = (): ChatModel => createGeminiChatModel({ apiKey: "test-key", baseUrl: fake.baseUrl("gemini"), model: "gemini-2.5-flash" });

  it("streams text in several deltas and counts usage", async () => {
    fake.script("gemini", [{ text: "Paris is sunny today.", usage: { input: 21, output: 5 } }]);
    const parts = await collect(gemini(), request([ask]));
    expect(parts.filter((part) => part.type === "text-delta").length).toBeGreaterThan(1);
    expect(text(parts, "text-delta")).toBe("Paris is sunny today.");
    expect(finish(parts)).toEqual({
      type: "finish",
      stopReason: "end_turn",
      usage: {
        input_tokens: 21,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        model: "gemini-2.5-flash",
        provider: "gemini",
        max_context_tokens: 1_000_000,
      },
    });
    const [sent] = fake.requests;
    expect(sent?.path).toContain("/models/gemini-2.5-flash:streamGenerateContent");
    expect(sent?.headers["x-goog-api-key"]).toBe("test-key");
    expect((sent?.body as { systemInstruction?: unknown }).systemInstruction).toMatchObject({ parts: [{ text: "You are terse." }] });
  });

  it("makes parallel tool calls and sends their results back as named functionResponses", async () => {
    fake.script("gemini", [
      { toolCalls: [{ name: "get_weather", input: { city: "Paris" } }, { name: "get_time", input: { city: "Paris" } }] },
      { text: "Sunny, noon." },
    ]);
    const first = await collect(gemini(), request([ask]));
    expect(toolCalls(first)).toEqual([
      { type: "tool-call", id: "lc-0-0", name: "get_weather", input: { city: "Paris" } },
      { type: "tool-call", id: "lc-0-1", name: "get_time", input: { city: "Paris" } },
    ]);
    expect(finish(first).stopReason).toBe("tool_use");

    const second = await collect(gemini(), request([ask, ...roundTrip(first)]));
    expect(text(second, "text-delta")).toBe("Sunny, noon.");
    const contents = bodies("gemini", "streamGenerateContent")[1]?.["contents"] as { role: string; parts: unknown[] }[];
    expect(contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_time", args: { city: "Paris" } } }],
    });
    expect(contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "get_weather", response: { output: "get_weather says ok" } } },
        { functionResponse: { name: "get_time", response: { output: "get_time says ok" } } },
      ],
    });
  });

  it("streams thoughts as thinking and carries them to the next turn", async () => {
    fake.script("gemini", [{ thinking: "The user wants weather.", text: "Checking." }, { text: "Done." }]);
    const first = await collect(gemini(), request([ask], { effort: "low" }));
    expect(text(first, "thinking-delta")).toBe("The user wants weather.");
    expect(text(first, "text-delta")).toBe("Checking.");
    const [sent] = bodies("gemini", "streamGenerateContent");
    expect(sent?.["generationConfig"]).toMatchObject({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });

    const assistant: Message = {
      role: "assistant",
      content: [
        { type: "thinking", text: text(first, "thinking-delta"), signature: "c2lnbmF0dXJl" },
        { type: "text", text: "Checking." },
      ],
    };
    await collect(gemini(), request([ask, assistant, { role: "user", content: [{ type: "text", text: "and?" }] }]));
    const contents = bodies("gemini", "streamGenerateContent")[1]?.["contents"] as { parts: unknown[] }[];
    expect(contents[1]?.parts).toEqual([
      { text: "The user wants weather.", thought: true },
      { text: "Checking.", thoughtSignature: "c2lnbmF0dXJl" },
    ]);
  });

  it("turns a 429 with Retry-After into a retryable error with retryAfterMs", async () => {
    fake.script("gemini", [{ error: { status: 429, retryAfterSeconds: 7, message: "quota exceeded" } }]);
    const error = await failure(gemini(), request([ask]));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 7000 });
    expect(fake.requests).toHaveLength(1);
  });

  it("does not retry a 400", async () => {
    fake.script("gemini", [{ error: { status: 400, message: "bad schema" } }]);
    const error = await failure(gemini(), request([ask]));
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 400 });
    expect(error.message).toContain("bad schema");
  });

  it("reports a stream cut mid-way as retryable", async () => {
    fake.script("gemini", [{ text: "one two three four five six", cutAfterChunks: 2 }]);
    const error = await failure(gemini(), request([ask]));
    expect(error.retryable).toBe(true);
  });

  it("stops when the call is aborted while waiting for headers", async () => {
    fake.script("gemini", [{ text: "late", delayMs: 2000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled by test")), 50);
    const started = Date.now();
    await expect(collect(gemini(), request([ask]), controller.signal)).rejects.toThrow("cancelled by test");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("ollama-local driver (via ollama)", () => {
  const ollama = (options: { numCtx?: number; cache?: ContextWindowCache } = {}): ChatModel =>
    createOllamaChatModel({
      provider: "ollama-local",
      host: fake.baseUrl("ollama"),
      model: "fake-model",
      contextWindows: options.cache ?? new ContextWindowCache(),
      ...(options.numCtx === undefined ? {} : { numCtx: options.numCtx }),
    });

  it("streams text, counts usage and reads the loaded context window from /api/ps", async () => {
    fake.script("ollama", [{ text: "Paris is sunny today.", usage: { input: 30, output: 6 } }]);
    const model = ollama();
    const parts = await collect(model, request([ask]));
    expect(parts.filter((part) => part.type === "text-delta").length).toBeGreaterThan(1);
    expect(text(parts, "text-delta")).toBe("Paris is sunny today.");
    expect(finish(parts)).toEqual({
      type: "finish",
      stopReason: "end_turn",
      usage: {
        input_tokens: 30,
        output_tokens: 6,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        model: "fake-model",
        provider: "ollama-local",
        max_context_tokens: 32_768,
      },
    });
    expect(model.capabilities?.maxContextTokens).toBe(32_768);
    expect(fake.requests.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["POST /api/chat", "GET /api/ps"]);
    const chat = fake.requests[0]?.body as { messages: unknown[]; stream: boolean };
    expect(chat.stream).toBe(true);
    expect(chat.messages[0]).toEqual({ role: "system", content: "You are terse." });
  });

  it("reads /api/ps once per cache period, and an explicit numCtx wins without asking", async () => {
    const cache = new ContextWindowCache();
    fake.script("ollama", [{ text: "a" }, { text: "b" }]);
    await collect(ollama({ cache }), request([ask]));
    await collect(ollama({ cache }), request([ask]));
    expect(fake.requests.filter((entry) => entry.path === "/api/ps")).toHaveLength(1);

    fake.reset();
    fake.script("ollama", [{ text: "c" }]);
    const parts = await collect(ollama({ numCtx: 8192 }), request([ask]));
    expect(finish(parts).usage.max_context_tokens).toBe(8192);
    expect((fake.requests[0]?.body as { options?: unknown }).options).toEqual({ num_ctx: 8192 });
    expect(fake.requests.some((entry) => entry.path === "/api/ps")).toBe(false);
  });

  it("makes parallel tool calls with synthesized ids and sends results back as role tool", async () => {
    fake.script("ollama", [
      { toolCalls: [{ name: "get_weather", input: { city: "Paris" } }, { name: "get_time", input: { city: "Paris" } }] },
      { text: "Sunny, noon." },
    ]);
    const first = await collect(ollama(), request([ask]));
    expect(toolCalls(first)).toEqual([
      { type: "tool-call", id: "lc-0-0", name: "get_weather", input: { city: "Paris" } },
      { type: "tool-call", id: "lc-0-1", name: "get_time", input: { city: "Paris" } },
    ]);
    expect(finish(first).stopReason).toBe("tool_use");

    const second = await collect(ollama(), request([ask, ...roundTrip(first)]));
    expect(text(second, "text-delta")).toBe("Sunny, noon.");
    const messages = (bodies("ollama", "/api/chat")[1]?.["messages"] ?? []) as unknown[];
    expect(messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { function: { name: "get_weather", arguments: { city: "Paris" } } },
          { function: { name: "get_time", arguments: { city: "Paris" } } },
        ],
      },
      { role: "tool", content: "get_weather says ok", tool_name: "get_weather" },
      { role: "tool", content: "get_time says ok", tool_name: "get_time" },
    ]);
  });

  it("streams thinking and carries it to the next turn", async () => {
    fake.script("ollama", [{ thinking: "The user wants weather.", text: "Checking." }, { text: "Done." }]);
    const first = await collect(ollama(), request([ask], { effort: "medium" }));
    expect(text(first, "thinking-delta")).toBe("The user wants weather.");
    expect(bodies("ollama", "/api/chat")[0]?.["think"]).toBe(true);

    const assistant: Message = {
      role: "assistant",
      content: [{ type: "thinking", text: text(first, "thinking-delta") }, { type: "text", text: text(first, "text-delta") }],
    };
    await collect(ollama(), request([ask, assistant, { role: "user", content: [{ type: "text", text: "and?" }] }]));
    const messages = bodies("ollama", "/api/chat")[1]?.["messages"] as unknown[];
    expect(messages[2]).toEqual({ role: "assistant", content: "Checking.", thinking: "The user wants weather." });
  });

  it("turns a 429 with Retry-After into a retryable error with retryAfterMs", async () => {
    fake.script("ollama", [{ error: { status: 429, retryAfterSeconds: 3, message: "too many requests" } }]);
    const error = await failure(ollama(), request([ask]));
    expect(error.retryable).toBe(true);
    expect(error.details).toMatchObject({ status: 429, retryAfterMs: 3000 });
  });

  it("does not retry a 400", async () => {
    fake.script("ollama", [{ error: { status: 400, message: "invalid options" } }]);
    const error = await failure(ollama(), request([ask]));
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ status: 400 });
    expect(error.message).toContain("invalid options");
  });

  it("reports a stream cut mid-way as retryable", async () => {
    fake.script("ollama", [{ text: "one two three four five six", cutAfterChunks: 2 }]);
    const error = await failure(ollama(), request([ask]));
    expect(error.retryable).toBe(true);
  });

  it("names the host when nothing listens there", async () => {
    const host = await closedPortUrl();
    const model = createOllamaChatModel({ provider: "ollama-local", host, model: "m", contextWindows: new ContextWindowCache() });
    const error = await failure(model, request([ask]));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`ollama: cannot reach ${host} (ECONNREFUSED)`);
  });

  it("sends the API key as a bearer token (ollama cloud)", async () => {
    fake.script("ollama", [{ text: "hi" }]);
    const model = createOllamaChatModel({ provider: "ollama", host: fake.baseUrl("ollama"), apiKey: "cloud-key", model: "fake-model" });
    await collect(model, request([ask]));
    expect(fake.requests[0]?.headers["authorization"]).toBe("Bearer cloud-key");
  });

  it("stops when the call is aborted while waiting for headers", async () => {
    fake.script("ollama", [{ text: "late", delayMs: 2000 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("cancelled by test")), 50);
    const started = Date.now();
    await expect(collect(ollama(), request([ask]), controller.signal)).rejects.toThrow("cancelled by test");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
