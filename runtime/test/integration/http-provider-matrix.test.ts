import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm, FakeProtocol } from "../fake-llm/index.ts";
import type { ProviderEndpoint } from "../../src/config/index.ts";
import { allFrames, postSse } from "../support/sse-client.ts";
import type { SseFrame } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

/** Every real provider kind, the wire its fake speaks, and the scope that keeps its queue apart. */
const PROVIDERS: { id: string; driver: ProviderEndpoint["driver"]; protocol: FakeProtocol; scope: string }[] = [
  { id: "anthropic", driver: "anthropic", protocol: "anthropic", scope: "anthropic" },
  { id: "openai", driver: "openai", protocol: "openai", scope: "openai" },
  { id: "deepseek", driver: "deepseek", protocol: "openai", scope: "deepseek" },
  { id: "gemini", driver: "gemini", protocol: "gemini", scope: "gemini" },
  { id: "ollama-local", driver: "ollama", protocol: "ollama", scope: "ollama" },
  { id: "vllm", driver: "openai", protocol: "openai", scope: "vllm" },
];

const texts = (frames: SseFrame[]): string => frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("");

describe("every provider through the runtime: Retry-After honoured, fallback announced", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    const agents = PROVIDERS.map((provider) => ({ ...TEST_AGENTS[0]!, name: `on-${provider.id}`, provider: undefined, model: undefined, tier: "low" as const, source: "config" as const }));
    const endpoints = PROVIDERS.map((provider) => ({ id: provider.id, driver: provider.driver, baseUrl: fake.baseUrl(provider.protocol, provider.scope), apiKeyEnv: null, enabled: true }));
    const userTiers = Object.fromEntries(
      PROVIDERS.map((provider) => [
        provider.id,
        {
          providerPriority: [],
          tiers: { low: [{ provider: provider.id, model: "fake-model" }, { provider: "mock", model: "mock-echo" }] },
          fallbackOnError: true,
          maxFallbackAttempts: 1,
          retryAttempts: 1,
          rateLimitCooldownMs: 1,
        },
      ]),
    );
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, ...agents],
      providerEndpoints: endpoints,
      routing: { userTiers: { ...userTiers, default: userTiers["anthropic"]! } },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  describe.each(PROVIDERS)("$id", (provider) => {
    it("waits the 429's Retry-After, retries, and streams the answer with its usage", async () => {
      fake.script(provider.protocol, [{ error: { status: 429, retryAfterSeconds: 1 } }, { text: `hello from ${provider.id}`, usage: { input: 7, output: 3 } }], provider.scope);
      const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: `on-${provider.id}`, prompt: "hi", user_tier: provider.id }));
      expect(frames.find((frame) => frame.event === "retry")?.data).toMatchObject({ retry: { provider: provider.id, wait_ms: 1000, reason: "retry-after header" } });
      expect(texts(frames)).toBe(`hello from ${provider.id}`);
      expect(frames.find((frame) => frame.event === "usage")?.data).toMatchObject({ usage: { provider: provider.id, input_tokens: 7, output_tokens: 3 } });
    });

    it("falls back to a second provider when it keeps failing, with provider_fallback on the stream", async () => {
      fake.script(provider.protocol, [{ error: { status: 500 } }, { error: { status: 503 } }], provider.scope);
      const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: `on-${provider.id}`, prompt: "still there?", user_tier: provider.id }));
      expect(frames.find((frame) => frame.event === "provider_fallback")?.data).toMatchObject({
        fallback: { failed_provider: provider.id, new_provider: "mock", new_model: "mock-echo" },
      });
      expect(texts(frames)).toBe("You said: still there?");
      expect(frames.at(-1)?.data).toMatchObject({ type: "done", stop_reason: "end_turn" });
    });
  });
});
