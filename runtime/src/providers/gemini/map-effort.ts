import type { ThinkingConfig } from "@google/genai";
import type { Effort } from "../chat-model.ts";

/**
 * Thinking budget in tokens per effort. `minimal` is 128 because Gemini 2.5 Pro refuses a budget
 * below that (and cannot switch thinking off); the others follow the 2.5 documentation's ranges.
 */
const THINKING_BUDGET: Record<Effort, number> = { minimal: 128, low: 1024, medium: 8192, high: 24_576 };

/**
 * Effort → Gemini `thinkingConfig`: a token budget, and thought summaries included so they stream
 * as thinking. No effort leaves the model's own default (dynamic thinking) untouched.
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 */
export function mapEffort(effort: Effort | undefined): ThinkingConfig | undefined {
  if (effort === undefined) return undefined;
  return { thinkingBudget: THINKING_BUDGET[effort], includeThoughts: true };
}
