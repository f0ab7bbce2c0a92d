import type { ChatRequest, Options, Tool } from "ollama";
import type { Effort, ModelRequest, Sampling, ToolDefinition } from "../chat-model.ts";
import { convertMessages } from "./convert-messages.ts";

/** What buildRequest needs besides the model request. */
export interface BuildRequestOptions {
  model: string;
  /** `options.num_ctx`; absent leaves the server's (or Modelfile's) window. */
  numCtx?: number;
}

/**
 * A ModelRequest → Ollama `/api/chat` body (streaming). Effort switches `think` on (off for
 * `minimal`); sampling maps to `options` under Ollama's names; `maxTokens` is `num_predict`.
 * @see https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion
 */
export function buildRequest(request: ModelRequest, options: BuildRequestOptions): ChatRequest & { stream: true } {
  const modelOptions: Partial<Options> = {
    ...(options.numCtx === undefined ? {} : { num_ctx: options.numCtx }),
    ...(request.maxTokens > 0 ? { num_predict: request.maxTokens } : {}),
    ...mapSampling(request.sampling),
  };
  const think = mapThink(request.effort);
  return {
    model: options.model,
    stream: true,
    messages: convertMessages(request.system, request.messages),
    ...(request.tools.length > 0 ? { tools: request.tools.map(toolSpec) } : {}),
    ...(think === undefined ? {} : { think }),
    ...(Object.keys(modelOptions).length > 0 ? { options: modelOptions } : {}),
  };
}

/** Effort → the `think` flag: on for low/medium/high, off for minimal, model default when absent. */
export function mapThink(effort: Effort | undefined): boolean | undefined {
  if (effort === undefined) return undefined;
  return effort !== "minimal";
}

/** Sampling → Ollama `options`; absent fields stay absent. */
export function mapSampling(sampling: Sampling | undefined): Partial<Options> {
  if (sampling === undefined) return {};
  const options: Partial<Options> = {
    temperature: sampling.temperature,
    top_p: sampling.top_p,
    top_k: sampling.top_k,
    seed: sampling.seed,
    stop: sampling.stop,
    frequency_penalty: sampling.frequency_penalty,
    presence_penalty: sampling.presence_penalty,
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function toolSpec(tool: ToolDefinition): Tool {
  // The client's Tool type narrows JSON Schema; Ollama accepts any object schema.
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.input_schema as Tool["function"]["parameters"] } };
}
