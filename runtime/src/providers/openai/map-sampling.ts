import type { Sampling } from "../chat-model.ts";

/** The sampling fields a Chat Completions request can carry. */
export interface OpenAiSampling {
  temperature?: number;
  top_p?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  seed?: number;
  stop?: string[];
}

/**
 * Sampling → Chat Completions fields, one to one; `top_k` has no equivalent and is dropped.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
export function mapSampling(sampling: Sampling | undefined): OpenAiSampling {
  if (sampling === undefined) return {};
  const { temperature, top_p, frequency_penalty, presence_penalty, seed, stop } = sampling;
  return {
    ...(temperature === undefined ? {} : { temperature }),
    ...(top_p === undefined ? {} : { top_p }),
    ...(frequency_penalty === undefined ? {} : { frequency_penalty }),
    ...(presence_penalty === undefined ? {} : { presence_penalty }),
    ...(seed === undefined ? {} : { seed }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop: [...stop] }),
  };
}
