import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ChatModel } from "../../src/providers/index.ts";
import { createAnthropicChatModel } from "../../src/providers/anthropic/index.ts";
import { createOpenAiChatModel } from "../../src/providers/openai/index.ts";
import type { OpenAiDialect } from "../../src/providers/openai/index.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { body, collect, failure, finish, generations, request, text, toolCalls, toolRoundTrip } from "./providers-anthropic-openai-helpers.ts";

/**
 * The Anthropic and OpenAI-family drivers, end to end through the official SDKs against the
 * wire-level fake LLM: what they stream, and what they send (read back from `fake.requests`).
 */

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

describe("anthropic driver", () => {
  const model = (options: { apiVersion?: string; apiKey?: string; provider?: string } = {}): ChatModel =>
    createAnthropicChatModel({ baseUrl: fake.baseUrl("anthropic"), model: "claude-test", apiKey: "test-key", ...options });

  it("streams text in several deltas and finishes end_turn", async () => {
    fake.script("anthropic", [{ text: "Hello there from the fake model" }]);
    const parts = await collect(model(), request());
    expect(parts.filter((part) => part.type === "text-delta").length).toBeGreaterThan(1);
    expect(text(parts)).toBe("Hello there from the fake model");
    expect(finish(parts).stopReason).toBe("end_turn");
  });

  it("round-trips parallel tool calls and echoes the thinking signature on the next turn", async () => {
    const { first, second } = await toolRoundTrip({ fake, model: model(), protocol: "anthropic", scope: "anthropic" });
    expect(toolCalls(first).map((call) => call.input)).toEqual([{ path: "a" }, { path: "b" }]);
    expect(finish(first).stopReason).toBe("tool_use");
    expect(text(first, "thinking-delta")).toBe("Two files, read both.");
    expect(text(second)).toBe("Both read.");
    const [a, b] = toolCalls(first);
    const messages = body(generations(fake, "anthropic")[1])["messages"] as { role: string; content: unknown[] }[];
    expect(messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Two files, read both.", signature: "sig-1" },
        { type: "text", text: "Reading." },
        { type: "tool_use", id: a?.id, name: "Read", input: { path: "a" } },
        { type: "tool_use", id: b?.id, name: "Read", input: { path: "b" } },
      ],
    });
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: a?.id, content: "contents of a", is_error: false },
        { type: "tool_result", tool_use_id: b?.id, content: "no such file", is_error: true },
      ],
    });
  });

  it("counts usage with cache reads and writes, model, provider and context size", async () => {
    fake.script("anthropic", [{ text: "ok", usage: { input: 100, output: 20, cacheRead: 30, cacheWrite: 10 } }], "claude-custom");
    const custom = createAnthropicChatModel({ provider: "claude-custom", baseUrl: fake.baseUrl("anthropic", "claude-custom"), model: "claude-test", apiKey: "k", capabilities: { maxContextTokens: 1_000_000 } });
    expect(finish(await collect(custom, request())).usage).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 30,
      model: "claude-test",
      provider: "claude-custom",
      max_context_tokens: 1_000_000,
    });
  });

  it("surfaces a 429 with retry-after as a retryable error with retryAfterMs", async () => {
    fake.script("anthropic", [{ error: { status: 429, retryAfterSeconds: 3 } }]);
    const error = await failure(model());
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", retryable: true, details: { status: 429, retryAfterMs: 3000 } });
    expect(generations(fake, "anthropic")).toHaveLength(1);
  });

  it("treats 529 overloaded as retryable and 400 as permanent", async () => {
    fake.script("anthropic", [{ error: { status: 529 } }, { error: { status: 400, message: "bad field" } }]);
    expect(await failure(model())).toMatchObject({ retryable: true, details: { status: 529 } });
    expect(await failure(model())).toMatchObject({ retryable: false, details: { status: 400 } });
  });

  it("fails retryably when the stream is cut", async () => {
    fake.script("anthropic", [{ text: "a long answer that is cut off", cutAfterChunks: 4 }]);
    expect(await failure(model())).toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
  });

  it("marks the system block cache_control ephemeral when systemCacheable", async () => {
    fake.script("anthropic", [{ text: "a" }, { text: "b" }]);
    await collect(model(), request({ systemCacheable: true }));
    await collect(model(), request());
    const [cached, plain] = generations(fake, "anthropic");
    expect(body(cached)["system"]).toEqual([{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }]);
    expect(body(plain)["system"]).toBe("You are terse.");
  });

  it("sends stop_sequences, drops what API 2026-10-21 refuses, and sends temperature/top_p/top_k on 2023-06-01", async () => {
    const sampling = { temperature: 0.2, top_p: 0.9, top_k: 40, frequency_penalty: 1, presence_penalty: 1, seed: 7, stop: ["END"] };
    fake.script("anthropic", [{ text: "a" }, { text: "b" }]);
    await collect(model(), request({ sampling, maxTokens: 1000 }));
    await collect(model({ apiVersion: "2023-06-01" }), request({ sampling }));
    const [current, legacy] = generations(fake, "anthropic");
    expect(body(current)).toMatchObject({ stop_sequences: ["END"], max_tokens: 1000 });
    for (const field of ["temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "seed"]) expect(body(current)).not.toHaveProperty(field);
    expect(body(legacy)).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ["END"], max_tokens: 8192 });
    expect(legacy?.headers["anthropic-version"]).toBe("2023-06-01");
  });

  it("turns effort into a thinking budget and drops temperature", async () => {
    fake.script("anthropic", [{ thinking: "hmm", text: "a" }]);
    await collect(model({ apiVersion: "2023-06-01" }), request({ effort: "medium", sampling: { temperature: 0.5 } }));
    const sent = body(generations(fake, "anthropic")[0]);
    expect(sent["thinking"]).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(sent).not.toHaveProperty("temperature");
  });

  it("authenticates with the given key only, and sends no Authorization when keyless", async () => {
    fake.script("anthropic", [{ text: "a" }, { text: "b" }]);
    await collect(model(), request());
    await collect(model({ apiKey: undefined }), request());
    const [keyed, keyless] = generations(fake, "anthropic");
    expect(keyed?.headers["authorization"]).toBe("Bearer test-key");
    expect(keyless?.headers).not.toHaveProperty("authorization");
    expect(keyless?.headers).not.toHaveProperty("x-api-key");
  });

  it("stops promptly with the abort reason when the signal aborts", async () => {
    fake.script("anthropic", [{ text: "slow", delayMs: 5000 }]);
    const controller = new AbortController();
    const reason = new Error("cancelled by test");
    setTimeout(() => controller.abort(reason), 50);
    const started = Date.now();
    await expect(collect(model(), request(), controller.signal)).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

interface OpenAiCase {
  provider: string;
  scope: string;
  dialect?: OpenAiDialect;
  echoesReasoning: boolean;
  limitField: "max_completion_tokens" | "max_tokens";
}

const OPENAI_CASES: OpenAiCase[] = [
  { provider: "openai", scope: "openai", echoesReasoning: false, limitField: "max_completion_tokens" },
  { provider: "deepseek", scope: "deepseek", echoesReasoning: true, limitField: "max_tokens" },
  { provider: "vllm", scope: "vllm", echoesReasoning: false, limitField: "max_completion_tokens" },
];

describe.each(OPENAI_CASES)("openai driver as $provider", (testCase) => {
  const model = (options: { apiKey?: string } = { apiKey: "test-key" }): ChatModel =>
    createOpenAiChatModel({ provider: testCase.provider, baseUrl: fake.baseUrl("openai", testCase.scope), model: `${testCase.provider}-model`, ...options });

  it("streams text in several deltas and finishes end_turn", async () => {
    fake.script("openai", [{ text: "Hello there from the fake model" }], testCase.scope);
    const parts = await collect(model(), request());
    expect(parts.filter((part) => part.type === "text-delta").length).toBeGreaterThan(1);
    expect(text(parts)).toBe("Hello there from the fake model");
    expect(finish(parts).stopReason).toBe("end_turn");
    expect(body(generations(fake, testCase.scope)[0])).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("round-trips parallel tool calls as role:tool results, streaming reasoning as thinking", async () => {
    const { first, second } = await toolRoundTrip({ fake, model: model(), protocol: "openai", scope: testCase.scope });
    const [a, b] = toolCalls(first);
    expect(toolCalls(first).map((call) => [call.name, call.input])).toEqual([["Read", { path: "a" }], ["Read", { path: "b" }]]);
    expect(finish(first).stopReason).toBe("tool_use");
    expect(text(first, "thinking-delta")).toBe("Two files, read both.");
    expect(text(second)).toBe("Both read.");
    const messages = body(generations(fake, testCase.scope)[1])["messages"] as Record<string, unknown>[];
    expect(messages.slice(0, 2)).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "read a and b" },
    ]);
    expect(messages[2]).toMatchObject({
      role: "assistant",
      content: "Reading.",
      tool_calls: [
        { id: a?.id, type: "function", function: { name: "Read", arguments: '{"path":"a"}' } },
        { id: b?.id, type: "function", function: { name: "Read", arguments: '{"path":"b"}' } },
      ],
    });
    expect(messages.slice(3)).toEqual([
      { role: "tool", tool_call_id: a?.id, content: "contents of a" },
      { role: "tool", tool_call_id: b?.id, content: "Error: no such file" },
    ]);
    if (testCase.echoesReasoning) expect(messages[2]?.["reasoning_content"]).toBe("Two files, read both.");
    else expect(messages[2]).not.toHaveProperty("reasoning_content");
  });

  it("counts usage, moving cached prompt tokens to cache reads", async () => {
    fake.script("openai", [{ text: "ok", usage: { input: 100, output: 20, cacheRead: 30 } }], testCase.scope);
    expect(finish(await collect(model(), request())).usage).toMatchObject({
      input_tokens: 70,
      output_tokens: 20,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 30,
      model: `${testCase.provider}-model`,
      provider: testCase.provider,
    });
  });

  it("surfaces a 429 with retry-after as a retryable error with retryAfterMs, and a 400 as permanent", async () => {
    fake.script("openai", [{ error: { status: 429, retryAfterSeconds: 2 } }, { error: { status: 400 } }], testCase.scope);
    expect(await failure(model())).toMatchObject({ code: "PROVIDER_ERROR", retryable: true, details: { status: 429, retryAfterMs: 2000 } });
    expect(await failure(model())).toMatchObject({ code: "PROVIDER_ERROR", retryable: false, details: { status: 400 } });
    expect(generations(fake, testCase.scope)).toHaveLength(2);
  });

  it("fails retryably when the stream is cut", async () => {
    fake.script("openai", [{ text: "a long answer that is cut off", cutAfterChunks: 3 }], testCase.scope);
    expect(await failure(model())).toMatchObject({ code: "PROVIDER_ERROR", retryable: true });
  });

  it("sends the system prompt plainly even when systemCacheable", async () => {
    fake.script("openai", [{ text: "a" }], testCase.scope);
    await collect(model(), request({ systemCacheable: true }));
    const messages = body(generations(fake, testCase.scope)[0])["messages"] as unknown[];
    expect(messages[0]).toEqual({ role: "system", content: "You are terse." });
  });

  it("sends sampling (dropping top_k) and the token limit in its dialect's field", async () => {
    fake.script("openai", [{ text: "a" }], testCase.scope);
    const sampling = { temperature: 0.3, top_p: 0.8, top_k: 40, frequency_penalty: 0.5, presence_penalty: 0.1, seed: 7, stop: ["END"] };
    await collect(model(), request({ sampling, maxTokens: 700, effort: "high" }));
    const sent = body(generations(fake, testCase.scope)[0]);
    expect(sent).toMatchObject({ temperature: 0.3, top_p: 0.8, frequency_penalty: 0.5, presence_penalty: 0.1, seed: 7, stop: ["END"], [testCase.limitField]: 700 });
    expect(sent).not.toHaveProperty("top_k");
    if (testCase.provider === "deepseek") expect(sent).not.toHaveProperty("reasoning_effort");
    else expect(sent["reasoning_effort"]).toBe("high");
  });

  it("authenticates with the given key only, and sends no Authorization when keyless", async () => {
    fake.script("openai", [{ text: "a" }, { text: "b" }], testCase.scope);
    await collect(model(), request());
    await collect(model({}), request());
    const [keyed, keyless] = generations(fake, testCase.scope);
    expect(keyed?.headers["authorization"]).toBe("Bearer test-key");
    expect(keyless?.headers).not.toHaveProperty("authorization");
  });

  it("stops with the abort reason when the signal aborts", async () => {
    fake.script("openai", [{ text: "slow", delayMs: 5000 }], testCase.scope);
    const controller = new AbortController();
    const reason = new Error("cancelled by test");
    setTimeout(() => controller.abort(reason), 50);
    await expect(collect(model(), request(), controller.signal)).rejects.toBe(reason);
  });
});

describe("openai driver defaults", () => {
  it("gives openai, deepseek and unknown providers their own capabilities", () => {
    expect(createOpenAiChatModel({ provider: "openai", model: "m", apiKey: "k" }).capabilities).toMatchObject({ vision: true, maxContextTokens: 128_000 });
    expect(createOpenAiChatModel({ provider: "deepseek", model: "m", apiKey: "k" }).capabilities).toMatchObject({ vision: false, thinking: true, maxContextTokens: 64_000 });
    expect(createOpenAiChatModel({ provider: "groq", model: "m", baseUrl: "http://x/v1", capabilities: { vision: true } }).capabilities).toMatchObject({ vision: true, maxContextTokens: 0 });
  });

  it("refuses a custom provider without a base URL", () => {
    expect(() => createOpenAiChatModel({ provider: "groq", model: "m" })).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});

describe("the drivers and the SDKs' environment variables", () => {
  const variables = { ANTHROPIC_API_KEY: "env-key", ANTHROPIC_AUTH_TOKEN: "env-token", ANTHROPIC_BASE_URL: "http://127.0.0.1:9", OPENAI_API_KEY: "env-key", OPENAI_BASE_URL: "http://127.0.0.1:9", OPENAI_ORG_ID: "env-org" };
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(variables)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("reads no key, token, organization or URL from the environment: only the options count", async () => {
    fake.script("anthropic", [{ text: "a" }]);
    fake.script("openai", [{ text: "b" }]);
    await collect(createAnthropicChatModel({ baseUrl: fake.baseUrl("anthropic"), model: "claude-test" }), request());
    await collect(createOpenAiChatModel({ provider: "openai", baseUrl: fake.baseUrl("openai"), model: "gpt-test" }), request());
    const [anthropic, openai] = fake.requests;
    expect(anthropic?.headers).not.toHaveProperty("authorization");
    expect(openai?.headers).not.toHaveProperty("authorization");
    expect(openai?.headers).not.toHaveProperty("openai-organization");
  });
});
