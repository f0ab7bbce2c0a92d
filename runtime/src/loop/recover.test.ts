import { describe, expect, it } from "vitest";
import { AppError } from "../domain/index.ts";
import type { ChatModel, ModelStreamPart } from "../providers/index.ts";
import { MockChatModel } from "../providers/index.ts";
import { loopInput } from "../../test/support/loop-fixtures.ts";
import { replayTranscript } from "./replay.ts";
import { runLoop } from "./run-loop.ts";
import type { ModelRoute } from "./types.ts";

const usage = { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };

/** A model that fails its first `failures` calls (after streaming "partial "), then answers. */
function flaky(options: { provider: string; failures: number; error: () => AppError }): ChatModel & { calls: number } {
  const model = {
    provider: options.provider,
    modelId: `${options.provider}-model`,
    calls: 0,
    async *stream(): AsyncGenerator<ModelStreamPart> {
      model.calls++;
      yield { type: "text-delta", text: "partial " };
      if (model.calls <= options.failures) throw options.error();
      yield { type: "text-delta", text: `from ${options.provider}` };
      yield { type: "finish", stopReason: "end_turn", usage: { ...usage, provider: options.provider } };
    },
  };
  return model;
}

function route(models: ChatModel[], retries: number): ModelRoute {
  let index = 0;
  return {
    userTier: "default",
    current: () => models[index] as ChatModel,
    retryDelayMs: (attempt, error) => (attempt > retries ? null : ((error.details["retryAfterMs"] as number | undefined) ?? 5)),
    fallback: (error) => {
      if (!error.retryable || index + 1 >= models.length) return null;
      index++;
      return { model: models[index] as ChatModel, reason: "error" };
    },
    succeeded: () => undefined,
  };
}

const rateLimited = (): AppError =>
  new AppError("PROVIDER_ERROR", "429 rate limited", { retryable: true, details: { status: 429, retryAfterMs: 30 } });

describe("runLoop recovery", () => {
  it("waits the retry-after and retries the same provider, voiding the failed attempt's output", async () => {
    const model = flaky({ provider: "alpha", failures: 2, error: rateLimited });
    const input = loopInput({ model, route: route([model], 3) });
    const started = Date.now();
    const outcome = await runLoop(input);
    expect(outcome.status).toBe("completed");
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    const retries = input.sink.events.filter((event) => event.type === "retry");
    expect(retries).toEqual([
      { type: "retry", retry: { provider: "alpha", attempt: 1, wait_ms: 30, reason: "retry-after header", cause_error: "429 rate limited" } },
      { type: "retry", retry: { provider: "alpha", attempt: 2, wait_ms: 30, reason: "retry-after header", cause_error: "429 rate limited" } },
    ]);
    const stored = input.sink.events.map((event, index) => ({ run_id: "run_1", session_id: "s", seq: index + 1, ts_ms: 0, event }));
    expect(replayTranscript(stored).messages.at(-1)).toEqual({ role: "assistant", content: [{ type: "text", text: "partial from alpha" }] });
  });

  it("falls back to the next provider when retries run out, announcing it on the stream", async () => {
    const alpha = flaky({ provider: "anthropic", failures: 99, error: rateLimited });
    const beta = flaky({ provider: "beta", failures: 0, error: rateLimited });
    const history = [
      { role: "user" as const, content: [{ type: "text" as const, text: "q" }] },
      { role: "assistant" as const, content: [{ type: "thinking" as const, text: "hmm", signature: "sig" }, { type: "text" as const, text: "a" }] },
      { role: "user" as const, content: [{ type: "text" as const, text: "again" }] },
    ];
    const input = loopInput({ model: alpha, route: route([alpha, beta], 1), history });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "completed", usage: { provider: "beta" } });
    expect(input.sink.types()).toEqual(
      expect.arrayContaining(["retry", "provider_fallback", "cache_invalidated", "reasoning_invalidated"]),
    );
    expect(input.sink.events.find((event) => event.type === "provider_fallback")).toMatchObject({
      fallback: { failed_provider: "anthropic", new_provider: "beta", cause_error: "429 rate limited" },
    });
  });

  it("does not retry or fall back on a permanent error, and fails the run with it", async () => {
    const bad = (): AppError => new AppError("PROVIDER_ERROR", "400 bad request", { retryable: false, details: { status: 400 } });
    const alpha = flaky({ provider: "alpha", failures: 99, error: bad });
    const beta = new MockChatModel("mock-echo", { latencyMs: 0, failRate: 0 });
    const input = loopInput({ model: alpha, route: route([alpha, beta], 3) });
    const outcome = await runLoop(input);
    expect(outcome).toMatchObject({ status: "failed", error: "400 bad request" });
    expect(alpha.calls).toBe(1);
    expect(input.sink.types()).not.toContain("retry");
  });
});
