import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../chat-model.ts";
import { buildRequest, mapThink } from "./build-request.ts";
import { mapDoneReason } from "./map-done-reason.ts";

const base: ModelRequest = { system: "", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], tools: [], maxTokens: 0, metadata: {} };

describe("ollama buildRequest", () => {
  it("streams, and leaves options and think out when nothing asks for them", () => {
    expect(buildRequest(base, { model: "qwen3" })).toEqual({ model: "qwen3", stream: true, messages: [{ role: "user", content: "hi" }] });
  });

  it("maps num_ctx, num_predict and sampling into options, keeping 0", () => {
    const request: ModelRequest = {
      ...base,
      maxTokens: 256,
      sampling: { temperature: 0, top_p: 0.9, top_k: 20, seed: 1, stop: ["###"], frequency_penalty: 0.5, presence_penalty: 0.25 },
    };
    expect(buildRequest(request, { model: "qwen3", numCtx: 8192 }).options).toEqual({
      num_ctx: 8192,
      num_predict: 256,
      temperature: 0,
      top_p: 0.9,
      top_k: 20,
      seed: 1,
      stop: ["###"],
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
    });
  });

  it("declares tools as functions with their JSON schema", () => {
    const request = { ...base, tools: [{ name: "lookup", description: "find", input_schema: { type: "object", properties: {} } }] };
    expect(buildRequest(request, { model: "m" }).tools).toEqual([
      { type: "function", function: { name: "lookup", description: "find", parameters: { type: "object", properties: {} } } },
    ]);
  });

  it("turns effort into the think flag", () => {
    expect(buildRequest({ ...base, effort: "high" }, { model: "m" }).think).toBe(true);
    expect(mapThink("minimal")).toBe(false);
    expect(mapThink(undefined)).toBeUndefined();
  });
});

describe("ollama mapDoneReason", () => {
  it("maps length to max_tokens, tool calls to tool_use, the rest to end_turn", () => {
    expect(mapDoneReason("length", false)).toBe("max_tokens");
    expect(mapDoneReason("stop", true)).toBe("tool_use");
    expect(mapDoneReason("stop", false)).toBe("end_turn");
  });
});
