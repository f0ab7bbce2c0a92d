import type { GenerateContentResponseUsageMetadata } from "@google/genai";
import type { Usage } from "../../domain/index.ts";

/**
 * Gemini `usageMetadata` → Usage. `promptTokenCount` includes cached tokens, so they are moved to
 * `cache_read_input_tokens`; thought tokens are billed as output, so they count there.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function mapUsage(metadata: GenerateContentResponseUsageMetadata | undefined): Usage {
  const counts = metadata ?? {};
  const cached = counts.cachedContentTokenCount ?? 0;
  const prompt = (counts.promptTokenCount ?? 0) + (counts.toolUsePromptTokenCount ?? 0);
  return {
    input_tokens: Math.max(0, prompt - cached),
    output_tokens: (counts.candidatesTokenCount ?? 0) + (counts.thoughtsTokenCount ?? 0),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
