import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../chat-model.ts";
import { buildConfig } from "./build-config.ts";
import { mapEffort } from "./map-effort.ts";

const base: ModelRequest = { system: "be brief", messages: [], tools: [], maxTokens: 0, metadata: {} };

describe("gemini buildConfig", () => {
  it("sets the system instruction, disables SDK function calling and passes the abort signal", () => {
    const signal = new AbortController().signal;
    expect(buildConfig(base, signal)).toEqual({ abortSignal: signal, automaticFunctionCalling: { disable: true }, systemInstruction: "be brief" });
  });

  it("maps tools to functionDeclarations with their JSON schema", () => {
    const request = { ...base, tools: [{ name: "lookup", description: "find", input_schema: { type: "object" } }] };
    expect(buildConfig(request, new AbortController().signal).tools).toEqual([
      { functionDeclarations: [{ name: "lookup", description: "find", parametersJsonSchema: { type: "object" } }] },
    ]);
  });

  it("maps sampling under Gemini's names, keeping 0 and dropping absent fields", () => {
    const request: ModelRequest = {
      ...base,
      maxTokens: 512,
      sampling: { temperature: 0, top_p: 0.9, top_k: 40, seed: 7, stop: ["END"], presence_penalty: 0.1, frequency_penalty: 0.2 },
    };
    const config = buildConfig(request, new AbortController().signal);
    expect(config).toMatchObject({
      maxOutputTokens: 512,
      temperature: 0,
      topP: 0.9,
      topK: 40,
      seed: 7,
      stopSequences: ["END"],
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
    });
    expect("thinkingConfig" in config).toBe(false);
  });

  it("turns effort into a thinking budget with thoughts included", () => {
    expect(buildConfig({ ...base, effort: "medium" }, new AbortController().signal).thinkingConfig).toEqual({
      thinkingBudget: 8192,
      includeThoughts: true,
    });
    expect(mapEffort("minimal")?.thinkingBudget).toBe(128);
    expect(mapEffort("high")?.thinkingBudget).toBe(24_576);
    expect(mapEffort(undefined)).toBeUndefined();
  });
});
