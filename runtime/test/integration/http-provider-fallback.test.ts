import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { FakeLlm } from "../fake-llm/index.ts";
import { allFrames, fetchJson, postSse } from "../support/sse-client.ts";
import { TEST_AGENTS, startTestRuntime } from "../support/test-runtime.ts";

describe("routing a tier across real drivers, through the fake LLM server", () => {
  let fake: FakeLlm;
  let runtime: Awaited<ReturnType<typeof startTestRuntime>>;
  beforeAll(async () => {
    fake = await startFakeLlm();
    const router = { ...TEST_AGENTS[0]!, name: "router", provider: undefined, model: undefined, tier: "middle" as const, source: "config" as const };
    const policy = { providerPriority: ["anthropic", "openai"], fallbackOnError: true, maxFallbackAttempts: 3, retryAttempts: 2, rateLimitCooldownMs: 30_000 };
    runtime = await startTestRuntime("pglite", {
      agents: [...TEST_AGENTS, router],
      providerEndpoints: [
        { id: "anthropic", driver: "anthropic", baseUrl: fake.baseUrl("anthropic"), apiKeyEnv: null, enabled: true },
        { id: "openai", driver: "openai", baseUrl: fake.baseUrl("openai"), apiKeyEnv: null, enabled: true },
      ],
      pricing: { currency: "USD", models: { "openai/gpt-x": { input: 2, output: 8 } } },
      routing: {
        userTiers: {
          default: { ...policy, tiers: { middle: [{ provider: "openai", model: "gpt-x" }, { provider: "anthropic", model: "claude-x" }] } },
        },
      },
    });
  });
  afterAll(async () => {
    await runtime?.dispose();
    await fake?.close();
  });

  it("honours Retry-After from a 429 before retrying the same provider", async () => {
    fake.script("anthropic", [{ error: { status: 429, retryAfterSeconds: 1 } }, { text: "after the wait" }]);
    const started = Date.now();
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "router", prompt: "again" }));
    expect(frames.find((frame) => frame.event === "retry")?.data).toMatchObject({ retry: { provider: "anthropic", wait_ms: 1000, reason: "retry-after header" } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("after the wait");
  });
  it("retries the first provider, then falls back to the second, and the stream says so; the ledger prices the call", async () => {
    fake.reset();
    fake.script("anthropic", [{ error: { status: 529 } }, { error: { status: 500 } }, { error: { status: 503 } }]);
    fake.script("openai", [{ text: "answered by openai", usage: { input: 100, output: 50 } }]);
    const frames = await allFrames(await postSse(`${runtime.url}/v1/runs`, { agent: "router", prompt: "hello" }));
    const names = frames.map((frame) => frame.event);
    expect(names.filter((name) => name === "retry")).toHaveLength(2);
    expect(frames.find((frame) => frame.event === "provider_fallback")?.data).toMatchObject({
      fallback: { failed_provider: "anthropic", failed_model: "claude-x", new_provider: "openai", new_model: "gpt-x" },
    });
    expect(names).toContain("cache_invalidated");
    expect(frames.filter((frame) => frame.event === "text").map((frame) => frame.data["text"]).join("")).toBe("answered by openai");
    expect(frames.find((frame) => frame.event === "usage")?.data).toMatchObject({ usage: { provider: "openai", model: "gpt-x", input_tokens: 100 } });
    expect(fake.requests.filter((request) => request.protocol === "anthropic")).toHaveLength(3);

    const report = await fetchJson(`${runtime.url}/v1/_usage?group_by=provider,model`);
    expect(report.rows).toContainEqual(
      expect.objectContaining({ provider: "openai", model: "gpt-x", calls: 1, input_tokens: 100, output_tokens: 50, cost: (100 * 2 + 50 * 8) / 1e6, currency: "USD" }),
    );
    expect(report.rows).toContainEqual(expect.objectContaining({ provider: "anthropic", model: "claude-x", calls: 1, cost: null, unpriced_calls: 1 }));
  });

});
