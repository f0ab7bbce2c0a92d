import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../chat-model.ts";
import { ANTHROPIC_DEFAULT_CAPABILITIES } from "./anthropic-chat-model.ts";
import { buildRequest, DEFAULT_MAX_TOKENS } from "./build-request.ts";
import { mapEffort } from "./map-effort.ts";

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: "be brief", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], maxTokens: 0, metadata: {}, ...overrides };
}

const context = { model: "claude-test", capabilities: ANTHROPIC_DEFAULT_CAPABILITIES, randomSampling: false };

describe("anthropic buildRequest", () => {
  it("defaults max_tokens to 8192 and streams", () => {
    const body = buildRequest(request(), context);
    expect(body).toMatchObject({ model: "claude-test", max_tokens: DEFAULT_MAX_TOKENS, stream: true, system: "be brief" });
    expect(body).not.toHaveProperty("thinking");
  });

  it("marks a cacheable system prompt with cache_control ephemeral", () => {
    expect(buildRequest(request({ systemCacheable: true }), context).system).toEqual([
      { type: "text", text: "be brief", cache_control: { type: "ephemeral" } },
    ]);
  });

  it("sends a plain system prompt when the model has no prompt cache", () => {
    const noCache = { ...context, capabilities: { ...ANTHROPIC_DEFAULT_CAPABILITIES, promptCache: false } };
    expect(buildRequest(request({ systemCacheable: true }), noCache).system).toBe("be brief");
  });

  it("declares tools with their input schema", () => {
    const tools = [{ name: "Read", description: "reads", input_schema: { type: "object", properties: {} } }];
    expect(buildRequest(request({ tools }), context).tools).toEqual(tools);
  });

  it("sends stop_sequences and drops penalties and seed; temperature/top_p/top_k only for API 2023-06-01", () => {
    const sampling = { temperature: 0.2, top_p: 0.9, top_k: 40, frequency_penalty: 1, presence_penalty: 1, seed: 7, stop: ["END"] };
    const current = buildRequest(request({ sampling }), context);
    expect(current).toMatchObject({ stop_sequences: ["END"] });
    for (const field of ["temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "seed", "stop"]) {
      expect(current).not.toHaveProperty(field);
    }
    const legacy = buildRequest(request({ sampling }), { ...context, randomSampling: true });
    expect(legacy).toMatchObject({ temperature: 0.2, top_p: 0.9, top_k: 40, stop_sequences: ["END"] });
  });

  it("turns effort into a thinking budget and then drops temperature/top_p/top_k", () => {
    const body = buildRequest(request({ effort: "high", maxTokens: 16_000, sampling: { temperature: 0.2, top_k: 5 } }), { ...context, randomSampling: true });
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_k");
  });

  it("does not think on a model without thinking", () => {
    const noThinking = { ...context, capabilities: { ...ANTHROPIC_DEFAULT_CAPABILITIES, thinking: false } };
    expect(buildRequest(request({ effort: "high" }), noThinking)).not.toHaveProperty("thinking");
  });
});

describe("anthropic mapEffort", () => {
  it("skips thinking for minimal and low", () => {
    expect(mapEffort({ effort: "minimal", maxTokens: 8192 })).toBeUndefined();
    expect(mapEffort({ effort: "low", maxTokens: 8192 })).toBeUndefined();
    expect(mapEffort({ effort: undefined, maxTokens: 8192 })).toBeUndefined();
  });
  it("budgets 2048 for medium and 8192 for high", () => {
    expect(mapEffort({ effort: "medium", maxTokens: 16_000 })).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(mapEffort({ effort: "high", maxTokens: 16_000 })).toEqual({ type: "enabled", budget_tokens: 8192 });
  });
  it("clamps the budget to max_tokens - 1024 and gives up below the API minimum", () => {
    expect(mapEffort({ effort: "high", maxTokens: 8192 })).toEqual({ type: "enabled", budget_tokens: 7168 });
    expect(mapEffort({ effort: "medium", maxTokens: 2000 })).toBeUndefined();
  });
});
