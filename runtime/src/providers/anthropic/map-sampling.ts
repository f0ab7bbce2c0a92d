import type { Sampling } from "../chat-model.ts";

/** The sampling fields a Messages API request can carry. */
export interface AnthropicSampling {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
}

/**
 * Sampling → Messages API fields. `stop` is always sent. `temperature`, `top_p` and `top_k` are
 * sent only when `randomness` is true: API version 2026-10-21 (the SDK's default) answers 400 to
 * them at any value, and extended thinking forbids them. Penalties and `seed` have no equivalent.
 * @see https://platform.claude.com/docs/en/api/versioning
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#feature-compatibility
 */
export function mapSampling(sampling: Sampling | undefined, options: { randomness: boolean }): AnthropicSampling {
  if (sampling === undefined) return {};
  const mapped: AnthropicSampling = {};
  if (sampling.stop !== undefined && sampling.stop.length > 0) mapped.stop_sequences = [...sampling.stop];
  if (!options.randomness) return mapped;
  if (sampling.temperature !== undefined) mapped.temperature = sampling.temperature;
  if (sampling.top_p !== undefined) mapped.top_p = sampling.top_p;
  if (sampling.top_k !== undefined) mapped.top_k = sampling.top_k;
  return mapped;
}
