import type { ThinkingConfigEnabled } from "@anthropic-ai/sdk/resources/messages";
import type { Effort } from "../chat-model.ts";

/** Thinking budget per effort; `minimal` and `low` do not think (loomcycle 1.0's mapping). */
const BUDGETS: Record<Effort, number> = { minimal: 0, low: 0, medium: 2048, high: 8192 };
/** The API's smallest budget, and the room left in `max_tokens` for the answer after thinking. */
const MIN_BUDGET_TOKENS = 1024;

/**
 * Effort → extended-thinking config, or undefined for no thinking. The budget is clamped to
 * `max_tokens − 1024` (the API wants it below `max_tokens`); a budget under the API minimum
 * (1024) turns thinking off rather than failing the call.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#working-with-thinking-budgets
 */
export function mapEffort(options: { effort: Effort | undefined; maxTokens: number }): ThinkingConfigEnabled | undefined {
  if (options.effort === undefined) return undefined;
  const budget = Math.min(BUDGETS[options.effort], options.maxTokens - MIN_BUDGET_TOKENS);
  return budget >= MIN_BUDGET_TOKENS ? { type: "enabled", budget_tokens: budget } : undefined;
}
