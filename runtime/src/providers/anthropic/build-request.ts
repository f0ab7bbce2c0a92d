import type { MessageCreateParamsStreaming, TextBlockParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import type { ModelCapabilities, ModelRequest, ToolDefinition } from "../chat-model.ts";
import { convertMessages } from "./convert-messages.ts";
import { mapEffort } from "./map-effort.ts";
import { mapSampling } from "./map-sampling.ts";
import type { AnthropicSampling } from "./map-sampling.ts";

/** `max_tokens` when the request leaves it to the driver (loomcycle 1.0's default). */
export const DEFAULT_MAX_TOKENS = 8192;

/** What the request builder needs to know about the model besides the request. */
export interface BuildRequestContext {
  model: string;
  capabilities: ModelCapabilities;
  /** Send temperature/top_p/top_k (only API version 2023-06-01 accepts them). */
  randomSampling: boolean;
}

/** A streaming Messages API body, plus the sampling fields the SDK's types no longer declare. */
export type AnthropicRequestBody = MessageCreateParamsStreaming & AnthropicSampling;

/**
 * ModelRequest → a streaming Messages API body: system (with `cache_control` when cacheable and
 * the model caches), messages, tools, max_tokens (default 8192), thinking from effort (only on
 * thinking models; it drops temperature/top_p/top_k), sampling.
 * @see https://platform.claude.com/docs/en/api/messages
 * @see https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 */
export function buildRequest(request: ModelRequest, context: BuildRequestContext): AnthropicRequestBody {
  const maxTokens = request.maxTokens > 0 ? request.maxTokens : DEFAULT_MAX_TOKENS;
  const thinking = context.capabilities.thinking ? mapEffort({ effort: request.effort, maxTokens }) : undefined;
  const sampling = mapSampling(request.sampling, { randomness: context.randomSampling && thinking === undefined });
  const system = systemParam(request, context.capabilities.promptCache);
  return {
    model: context.model,
    max_tokens: maxTokens,
    messages: convertMessages(request.messages),
    stream: true,
    ...(system === undefined ? {} : { system }),
    ...(request.tools.length > 0 ? { tools: request.tools.map(toolParam) } : {}),
    ...(thinking === undefined ? {} : { thinking }),
    ...sampling,
  };
}

function systemParam(request: ModelRequest, promptCache: boolean): string | TextBlockParam[] | undefined {
  if (request.system === "") return undefined;
  if (!request.systemCacheable || !promptCache) return request.system;
  return [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }];
}

function toolParam(tool: ToolDefinition): Tool {
  return { name: tool.name, description: tool.description, input_schema: tool.input_schema as Tool.InputSchema };
}
