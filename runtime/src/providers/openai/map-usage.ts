import type { CompletionUsage } from "openai/resources/completions";
import type { Usage } from "../../domain/index.ts";

/** Usage fields DeepSeek adds to the OpenAI shape. */
type ServerUsage = Partial<CompletionUsage> & { prompt_cache_hit_tokens?: number };

/**
 * Chat Completions usage → the domain's. `prompt_tokens` includes cached tokens, while our
 * `input_tokens` (Anthropic's meaning) excludes them, so cached tokens (OpenAI
 * `prompt_tokens_details.cached_tokens`, DeepSeek `prompt_cache_hit_tokens`) move to
 * `cache_read_input_tokens`. Nothing is reported as a cache write: these APIs do not bill one.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 * @see https://api-docs.deepseek.com/guides/kv_cache
 */
export function mapUsage(usage: ServerUsage | null | undefined): Pick<Usage, "input_tokens" | "output_tokens" | "cache_creation_input_tokens" | "cache_read_input_tokens"> {
  const prompt = usage?.prompt_tokens ?? 0;
  const cached = Math.min(prompt, usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens ?? 0);
  return {
    input_tokens: prompt - cached,
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}
