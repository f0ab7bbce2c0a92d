import { AppError, isAppError, sleep } from "../domain/index.ts";
import type { Message } from "../domain/index.ts";
import type { ChatModel } from "../providers/index.ts";
import type { FallbackStep, LoopInput } from "./types.ts";

/** Providers whose prompt cache is lost when a run moves away from them. */
const CACHING_PROVIDERS = new Set(["anthropic"]);

interface RecoveryState {
  attempt: number;
  outbound: readonly Message[];
}

/**
 * After a failed model call: wait and retry the same model while the route allows it, else
 * fall back to the next model (stripping reasoning the new provider cannot verify), else throw.
 * Returns the messages to send on the next attempt. A cancelled run is never retried.
 */
export async function recoverOrThrow(options: { input: LoopInput; model: ChatModel; error: unknown; state: RecoveryState }): Promise<readonly Message[]> {
  const { input, model, state } = options;
  const route = input.route;
  if (route === undefined || input.signal.aborted) throw options.error;
  const error = asProviderError(options.error);
  const wait = error.retryable ? route.retryDelayMs(state.attempt + 1, error) : null;
  if (wait !== null) {
    state.attempt++;
    const reason = error.details["retryAfterMs"] === undefined ? "exponential backoff" : "retry-after header";
    input.sink.emit({ type: "retry", retry: { provider: model.provider, attempt: state.attempt, wait_ms: wait, reason, cause_error: error.message } });
    await sleep(wait, input.signal);
    return state.outbound;
  }
  const step = route.fallback(error, { hasAssistantTurns: state.outbound.some((message) => message.role === "assistant") });
  if (step === null) throw error;
  state.attempt = 0;
  return announceFallback({ input, from: model, step, error, outbound: state.outbound });
}

function announceFallback(options: { input: LoopInput; from: ChatModel; step: FallbackStep; error: AppError; outbound: readonly Message[] }): readonly Message[] {
  const { input, from, step } = options;
  const to = step.model;
  input.sink.emit({
    type: "provider_fallback",
    fallback: {
      failed_provider: from.provider,
      failed_model: from.modelId,
      new_provider: to.provider,
      new_model: to.modelId,
      attempt: 1,
      user_tier: input.route?.userTier ?? "default",
      reason: step.reason,
      cause_error: options.error.message,
    },
  });
  if (step.downgradedFrom !== undefined) {
    input.sink.emit({ type: "model_downgraded", text: `${step.downgradedFrom} needs its own reasoning on every turn; using ${to.modelId}` });
  }
  if (from.provider === to.provider) return options.outbound;
  if (CACHING_PROVIDERS.has(from.provider)) input.sink.emit({ type: "cache_invalidated", text: `left ${from.provider}: its prompt cache no longer applies` });
  if (!hasReasoning(options.outbound)) return options.outbound;
  input.sink.emit({ type: "reasoning_invalidated", text: `stripped ${from.provider} reasoning from the history for ${to.provider}` });
  return stripReasoning(options.outbound);
}

function hasReasoning(messages: readonly Message[]): boolean {
  return messages.some((message) => message.content.some((block) => block.type === "thinking"));
}

/** The history without thinking blocks: their signatures only verify with the provider that made them. */
export function stripReasoning(messages: readonly Message[]): Message[] {
  return messages
    .map((message) => ({ ...message, content: message.content.filter((block) => block.type !== "thinking") }))
    .filter((message) => message.content.length > 0);
}

function asProviderError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("PROVIDER_ERROR", message, { retryable: true, cause: error });
}
