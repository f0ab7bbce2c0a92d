import type { GenerateContentConfig } from "@google/genai";
import type { ModelRequest, Sampling, ToolDefinition } from "../chat-model.ts";
import { mapEffort } from "./map-effort.ts";

/**
 * A ModelRequest → Gemini `GenerateContentConfig` (system instruction, tools, sampling, thinking).
 * The SDK's automatic function calling is off: the loop runs tools, never the SDK.
 * @see https://ai.google.dev/api/generate-content#generationconfig
 */
export function buildConfig(request: ModelRequest, abortSignal: AbortSignal): GenerateContentConfig {
  const thinkingConfig = mapEffort(request.effort);
  return {
    abortSignal,
    automaticFunctionCalling: { disable: true },
    ...(request.system === "" ? {} : { systemInstruction: request.system }),
    ...(request.maxTokens > 0 ? { maxOutputTokens: request.maxTokens } : {}),
    ...(request.tools.length > 0 ? { tools: [{ functionDeclarations: request.tools.map(functionDeclaration) }] } : {}),
    ...(thinkingConfig === undefined ? {} : { thinkingConfig }),
    ...mapSampling(request.sampling),
  };
}

/** Sampling → Gemini's field names; absent fields stay absent (provider default). */
export function mapSampling(sampling: Sampling | undefined): GenerateContentConfig {
  if (sampling === undefined) return {};
  const config: GenerateContentConfig = {
    temperature: sampling.temperature,
    topP: sampling.top_p,
    topK: sampling.top_k,
    seed: sampling.seed,
    stopSequences: sampling.stop,
    presencePenalty: sampling.presence_penalty,
    frequencyPenalty: sampling.frequency_penalty,
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined));
}

function functionDeclaration(tool: ToolDefinition): { name: string; description: string; parametersJsonSchema: unknown } {
  return { name: tool.name, description: tool.description, parametersJsonSchema: tool.input_schema };
}
