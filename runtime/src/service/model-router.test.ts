import { describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import type { Agent } from "../domain/index.ts";
import { ProviderRegistry } from "../providers/index.ts";
import type { ChatModel, ModelStreamPart } from "../providers/index.ts";
import { ModelRouter } from "./model-router.ts";
import { ProviderHealth } from "./provider-health.ts";

/** A model that only answers `capabilities`; the router never streams. */
function model(provider: string, vision: boolean): ChatModel {
  return {
    provider,
    modelId: "m",
    capabilities: { vision, thinking: false, promptCache: false, parallelToolCalls: true, maxContextTokens: 0 },
    async *stream(): AsyncIterable<ModelStreamPart> {
      yield* [];
    },
  };
}

const AGENT = { name: "a", description: "", tier: "middle", tools: [], max_iterations: 0, max_tokens: 0, system_prompt: "", source: "config" } as unknown as Agent;
const POLICY = { providerPriority: [], fallbackOnError: true, maxFallbackAttempts: 3, retryAttempts: 0, rateLimitCooldownMs: 1_000 };

function router(needsVision: boolean): ModelRouter {
  const registry = new ProviderRegistry();
  const vision: Record<string, boolean> = { first: true, blind: false, second: true };
  for (const [id, sees] of Object.entries(vision)) registry.register(id, () => model(id, sees));
  const tiers = { middle: Object.keys(vision).map((provider) => ({ provider, model: "m" })) };
  return new ModelRouter({ agent: AGENT, userTier: "default", policy: { ...POLICY, tiers }, aliases: {}, registry, health: new ProviderHealth(), needsVision });
}

const FAILURE = new AppError("PROVIDER_ERROR", "down", { retryable: true, details: { status: 503 } });

describe("ModelRouter with images in the run", () => {
  it("skips candidates without vision on fallback and says so", () => {
    const route = router(true);
    expect(route.current().provider).toBe("first");
    const step = route.fallback(FAILURE, { hasAssistantTurns: false });
    expect(step?.model.provider).toBe("second");
    expect(step?.reason).toBe("503 from first; skipped blind/m (no vision, the run has images)");
  });

  it("falls back in order when the run has no images", () => {
    const step = router(false).fallback(FAILURE, { hasAssistantTurns: false });
    expect(step).toMatchObject({ reason: "503 from first" });
    expect(step?.model.provider).toBe("blind");
  });

  it("names a full provider gate as the reason", () => {
    const error = new AppError("PROVIDER_ERROR", "busy", { retryable: true, details: { reason: "provider_concurrency_exhausted" } });
    expect(router(false).fallback(error, { hasAssistantTurns: false })?.reason).toBe("provider_concurrency_exhausted from first");
  });
});

describe("ModelRouter.withVision", () => {
  it("turns on the vision filter only when the history holds an image", () => {
    const route = router(false);
    expect(route.withVision([{ role: "user", content: [{ type: "text", text: "hi" }] }])).toBe(route);
    const seeing = route.withVision([{ role: "user", content: [{ type: "image", media_type: "image/png", data: "AAAA" }] }]);
    expect(seeing.fallback(FAILURE, { hasAssistantTurns: false })?.reason).toContain("skipped blind/m");
  });
});
