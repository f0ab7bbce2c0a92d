import type { ChatCompletionCreateParamsStreaming, ChatCompletionFunctionTool } from "openai/resources/chat/completions";
import type { ModelRequest, ToolDefinition } from "../chat-model.ts";
import { convertMessages } from "./convert-messages.ts";
import type { OpenAiDialect } from "./convert-messages.ts";
import { mapSampling } from "./map-sampling.ts";

/**
 * ModelRequest → a streaming Chat Completions body with `stream_options.include_usage` (so the
 * last chunk carries usage). `maxTokens` 0 leaves the limit to the server; otherwise the openai
 * dialect sends `max_completion_tokens` (OpenAI's reasoning models refuse `max_tokens`) and
 * deepseek `max_tokens`. Effort → `reasoning_effort` in the openai dialect only.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 * @see https://api-docs.deepseek.com/api/create-chat-completion
 */
export function buildRequest(request: ModelRequest, context: { model: string; dialect: OpenAiDialect }): ChatCompletionCreateParamsStreaming {
  const openai = context.dialect === "openai";
  const limit = request.maxTokens > 0 ? request.maxTokens : undefined;
  return {
    model: context.model,
    messages: convertMessages({ system: request.system, messages: request.messages, dialect: context.dialect }),
    stream: true,
    stream_options: { include_usage: true },
    ...(request.tools.length > 0 ? { tools: request.tools.map(toolParam) } : {}),
    ...(limit === undefined ? {} : openai ? { max_completion_tokens: limit } : { max_tokens: limit }),
    ...(openai && request.effort !== undefined ? { reasoning_effort: request.effort } : {}),
    ...mapSampling(request.sampling),
  };
}

function toolParam(tool: ToolDefinition): ChatCompletionFunctionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.input_schema } };
}
