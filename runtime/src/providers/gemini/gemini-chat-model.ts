import { GoogleGenAI } from "@google/genai";
import type { GenerateContentResponse, GenerateContentResponseUsageMetadata } from "@google/genai";
import { AppError } from "../../domain/index.ts";
import type { Message } from "../../domain/index.ts";
import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { buildConfig } from "./build-config.ts";
import { convertMessages, SYNTHETIC_ID_PREFIX } from "./convert-messages.ts";
import { mapError } from "./map-error.ts";
import { mapFinishReason } from "./map-finish-reason.ts";
import { mapResponseParts } from "./map-response-parts.ts";
import { mapUsage } from "./map-usage.ts";
import { probeRetryAfter } from "./retry-after.ts";

/** What Gemini 2.5 models can do; a deployment overrides fields per model through `capabilities`. */
export const GEMINI_CAPABILITIES: ModelCapabilities = {
  vision: true,
  thinking: true,
  promptCache: false,
  parallelToolCalls: true,
  maxContextTokens: 1_000_000,
};

/** Settings of one Gemini model; main.ts builds them from config (the driver reads no environment). */
export interface GeminiChatModelOptions {
  /** Provider id reported in usage; `gemini` unless a custom provider uses this driver. */
  provider?: string;
  apiKey?: string;
  /** Generative Language endpoint; the SDK's default when absent. */
  baseUrl?: string;
  model: string;
  capabilities?: Partial<ModelCapabilities>;
  /** Fetch used for every request (tests, proxies); the global fetch when absent. */
  fetch?: typeof fetch;
}

/** Builds a ChatModel that streams Gemini's `generateContent` through the official `@google/genai` client. */
export function createGeminiChatModel(options: GeminiChatModelOptions): ChatModel {
  return new GeminiChatModel(options);
}

/** The Gemini adapter: domain request → SDK call → normalized stream parts; no SDK retries. */
export class GeminiChatModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  private readonly client: GoogleGenAI;
  private readonly fetch: typeof fetch;

  constructor(options: GeminiChatModelOptions) {
    this.provider = options.provider ?? "gemini";
    this.modelId = options.model;
    this.capabilities = { ...GEMINI_CAPABILITIES, ...options.capabilities };
    this.fetch = options.fetch ?? globalThis.fetch;
    // apiKey "" rather than undefined: the SDK would otherwise read GEMINI_API_KEY itself.
    const httpOptions = options.baseUrl === undefined ? {} : { httpOptions: { baseUrl: options.baseUrl } };
    this.client = new GoogleGenAI({ vertexai: false, apiKey: options.apiKey ?? "", ...httpOptions });
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    const probe = probeRetryAfter(this.fetch);
    const controller = new AbortController();
    const unlink = linkAbort(options.signal, controller);
    try {
      yield* this.streamParts(request, { signal: controller.signal, fetch: probe.fetch });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason ?? error;
      throw mapError(error, { ...optional("retryAfterMs", probe.retryAfterMs()) });
    } finally {
      unlink();
      controller.abort();
    }
  }

  private async *streamParts(request: ModelRequest, call: { signal: AbortSignal; fetch: typeof fetch }): AsyncGenerator<ModelStreamPart> {
    const chunks = await this.client.models.generateContentStream({
      model: this.modelId,
      contents: convertMessages(request.messages),
      config: { ...buildConfig(request, call.signal), httpOptions: { fetch: call.fetch } },
    });
    const state = new StreamState(assistantTurns(request.messages));
    for await (const chunk of chunks) yield* state.apply(chunk);
    yield { type: "finish", stopReason: state.stopReason(), usage: this.usage(state.usageMetadata) };
  }

  private usage(metadata: GenerateContentResponseUsageMetadata | undefined): ReturnType<typeof mapUsage> {
    return { ...mapUsage(metadata), model: this.modelId, provider: this.provider, max_context_tokens: this.capabilities.maxContextTokens };
  }
}

/** What one call has seen so far: finish reason, latest usage, whether it called tools. */
class StreamState {
  usageMetadata: GenerateContentResponseUsageMetadata | undefined;
  private finishReason: string | undefined;
  private toolCalls = 0;
  private slot = 0;
  private readonly turn: number;

  constructor(turn: number) {
    this.turn = turn;
  }

  apply(chunk: GenerateContentResponse): ModelStreamPart[] {
    const blockReason = chunk.promptFeedback?.blockReason;
    if (blockReason !== undefined) throw new AppError("PROVIDER_ERROR", `gemini: prompt blocked (${blockReason})`, { retryable: false });
    const candidate = chunk.candidates?.[0];
    this.usageMetadata = chunk.usageMetadata ?? this.usageMetadata;
    this.finishReason = candidate?.finishReason ?? this.finishReason;
    const parts = mapResponseParts(candidate?.content?.parts, () => `${SYNTHETIC_ID_PREFIX}${this.turn}-${this.slot++}`);
    this.toolCalls += parts.filter((part) => part.type === "tool-call").length;
    return parts;
  }

  stopReason(): ReturnType<typeof mapFinishReason> {
    // A stream that ends without a finish reason was cut short (proxy, dropped connection).
    if (this.finishReason === undefined) throw new AppError("PROVIDER_ERROR", "gemini: stream ended before a finish reason", { retryable: true });
    return mapFinishReason(this.finishReason, this.toolCalls > 0);
  }
}

function assistantTurns(messages: readonly Message[]): number {
  return messages.filter((message) => message.role === "assistant").length;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function linkAbort(parent: AbortSignal, child: AbortController): () => void {
  if (parent.aborted) child.abort(parent.reason);
  const onAbort = (): void => child.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}
