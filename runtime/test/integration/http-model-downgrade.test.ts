import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

describe("falling back onto a thinking-class model mid-conversation", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    const agent = { ...TEST_AGENTS[0]!, name: "thinker", provider: undefined, model: undefined, tier: "high" as const, source: "config" as const };
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, agent],
      providerEndpoints: [
        { id: "anthropic", driver: "anthropic", baseUrl: fake.baseUrl("anthropic"), apiKeyEnv: null, enabled: true },
        { id: "deepseek", driver: "deepseek", baseUrl: fake.baseUrl("openai", "deepseek"), apiKeyEnv: null, enabled: true },
      ],
      routing: {
        userTiers: {
          default: {
            providerPriority: ["anthropic", "deepseek"],
            tiers: { high: [{ provider: "anthropic", model: "claude-x" }, { provider: "deepseek", model: "deepseek-reasoner" }] },
            fallbackOnError: true,
            maxFallbackAttempts: 3,
            retryAttempts: 0,
            rateLimitCooldownMs: 30_000,
          },
        },
      },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("uses the reasoner's non-thinking sibling when the history has no reasoning of its own", async () => {
    fake.script("anthropic", [{ thinking: "let me think", text: "first answer" }]);
    const first = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "thinker", prompt: "one" }));
    const sessionId = first[0]?.data["text"] as string;

    fake.script("anthropic", [{ error: { status: 500 } }]);
    fake.script("openai", [{ text: "second answer" }], "deepseek");
    const second = await allFrames(await postSse(`${runtime.url}/v1/sessions/${sessionId}/messages`, { prompt: "two" }));
    const names = second.map((frame) => frame.event);
    expect(names).toEqual(expect.arrayContaining(["provider_fallback", "model_downgraded", "cache_invalidated", "reasoning_invalidated"]));
    expect(second.find((frame) => frame.event === "provider_fallback")?.data).toMatchObject({ fallback: { new_provider: "deepseek", new_model: "deepseek-chat" } });
    const sent = fake.requests.filter((request) => request.scope === "deepseek").at(-1)?.body as { model: string; messages: unknown[] };
    expect(sent.model).toBe("deepseek-chat");
    expect(JSON.stringify(sent.messages)).not.toContain("let me think");
    expect(second.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("second answer");
  });
});
