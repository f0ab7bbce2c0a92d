import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

describe("the builtin default agent without any provider key", () => {
  let fake: FakeLlm;
  beforeAll(async () => {
    fake = await startFakeLlm();
  });
  afterAll(async () => {
    await fake?.close();
  });

  const mockDefault = { ...TEST_AGENTS[0]!, source: "builtin" as const };

  it("runs on a local Ollama that answers, with its first model", async () => {
    fake.setModels(["qwen3:8b"], "ollama");
    fake.script("ollama", [{ text: "hello from ollama" }]);
    const runtime = await startTestRuntime("pglite", {
      agents: [mockDefault],
      providerEndpoints: [{ id: "ollama-local", driver: "ollama", baseUrl: fake.baseUrl("ollama"), apiKeyEnv: null, enabled: true }],
    });
    try {
      const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "hi" }));
      expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("hello from ollama");
      expect(fake.requests.find((request) => request.path === "/api/chat")?.body).toMatchObject({ model: "qwen3:8b" });
    } finally {
      await runtime.dispose();
    }
  });

  it("stays on the mock when nothing listens on the Ollama host", async () => {
    const runtime = await startTestRuntime("pglite", {
      agents: [mockDefault],
      providerEndpoints: [{ id: "ollama-local", driver: "ollama", baseUrl: "http://127.0.0.1:9", apiKeyEnv: null, enabled: true }],
    });
    try {
      const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "default", prompt: "hi" }));
      expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("You said: hi");
    } finally {
      await runtime.dispose();
    }
  });
});
