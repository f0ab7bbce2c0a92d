import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../chat-model.ts";
import { buildRequest } from "./build-request.ts";

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return { system: "", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], maxTokens: 0, metadata: {}, ...overrides };
}

describe("openai buildRequest", () => {
  it("streams with include_usage and leaves the token limit to the server when maxTokens is 0", () => {
    const body = buildRequest(request(), { model: "gpt-test", dialect: "openai" });
    expect(body).toMatchObject({ model: "gpt-test", stream: true, stream_options: { include_usage: true } });
    expect(body).not.toHaveProperty("max_tokens");
    expect(body).not.toHaveProperty("max_completion_tokens");
  });

  it("sends max_completion_tokens for openai and max_tokens for deepseek", () => {
    expect(buildRequest(request({ maxTokens: 500 }), { model: "m", dialect: "openai" })).toMatchObject({ max_completion_tokens: 500 });
    expect(buildRequest(request({ maxTokens: 500 }), { model: "m", dialect: "deepseek" })).toMatchObject({ max_tokens: 500 });
  });

  it("declares tools as functions", () => {
    const tools = [{ name: "Read", description: "reads", input_schema: { type: "object" } }];
    expect(buildRequest(request({ tools }), { model: "m", dialect: "openai" }).tools).toEqual([
      { type: "function", function: { name: "Read", description: "reads", parameters: { type: "object" } } },
    ]);
  });

  it("sends sampling one to one and drops top_k", () => {
    const sampling = { temperature: 0.3, top_p: 0.8, top_k: 40, frequency_penalty: 0.5, presence_penalty: 0.1, seed: 7, stop: ["END"] };
    const body = buildRequest(request({ sampling }), { model: "m", dialect: "openai" });
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.8, frequency_penalty: 0.5, presence_penalty: 0.1, seed: 7, stop: ["END"] });
    expect(body).not.toHaveProperty("top_k");
  });

  it("maps effort to reasoning_effort in the openai dialect only", () => {
    expect(buildRequest(request({ effort: "minimal" }), { model: "m", dialect: "openai" })).toMatchObject({ reasoning_effort: "minimal" });
    expect(buildRequest(request({ effort: "high" }), { model: "m", dialect: "deepseek" })).not.toHaveProperty("reasoning_effort");
  });
});
