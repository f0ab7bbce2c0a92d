import Anthropic from "@anthropic-ai/sdk";
import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { buildRequest } from "./build-request.ts";
import { convertStream } from "./convert-stream.ts";
import { mapError } from "./map-error.ts";

/** The public API; a custom provider id with this driver passes its own `baseUrl`. */
const DEFAULT_BASE_URL = "https://api.anthropic.com";
/** The one API version that still accepts temperature/top_p/top_k (2026-10-21 answers 400). */
const RANDOM_SAMPLING_VERSIONS = new Set(["2023-06-01"]);

/** What a Claude model can do unless the provider config says otherwise. */
export const ANTHROPIC_DEFAULT_CAPABILITIES: ModelCapabilities = Object.freeze({
  vision: true,
  thinking: true,
  promptCache: true,
  parallelToolCalls: true,
  maxContextTokens: 200_000,
});

/** Everything the Anthropic driver needs; the lead resolves keys and URLs in config/, never here. */
export interface AnthropicChatModelOptions {
  /** Provider id reported in usage and errors; a custom id with driver `anthropic` sets its own. */
  provider?: string;
  /** Sent as a bearer token; absent = keyless (a local proxy), no Authorization header at all. */
  apiKey?: string;
  /** Defaults to https://api.anthropic.com. */
  baseUrl?: string;
  model: string;
  /** Overrides merged over ANTHROPIC_DEFAULT_CAPABILITIES (e.g. `thinking: false` for Haiku). */
  capabilities?: Partial<ModelCapabilities>;
  /** `anthropic-version` header; defaults to the SDK's. `2023-06-01` re-enables temperature/top_p/top_k. */
  apiVersion?: string;
  /** A fetch implementation (tests, proxies); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds a ChatModel on the Messages API through the official SDK. The SDK never retries
 * (`maxRetries: 0`: the loop owns retries) and never reads ANTHROPIC_* variables for the key or
 * the URL: both come from `options` only.
 */
export function createAnthropicChatModel(options: AnthropicChatModelOptions): ChatModel {
  return new AnthropicChatModel(options);
}

class AnthropicChatModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  private readonly client: Anthropic;
  private readonly randomSampling: boolean;

  constructor(options: AnthropicChatModelOptions) {
    this.provider = options.provider ?? "anthropic";
    this.modelId = options.model;
    this.capabilities = Object.freeze({ ...ANTHROPIC_DEFAULT_CAPABILITIES, ...options.capabilities });
    this.randomSampling = options.apiVersion !== undefined && RANDOM_SAMPLING_VERSIONS.has(options.apiVersion);
    this.client = createAnthropicClient(options);
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    const body = buildRequest(request, { model: this.modelId, capabilities: this.capabilities, randomSampling: this.randomSampling });
    const context = { provider: this.provider, model: this.modelId, maxContextTokens: this.capabilities.maxContextTokens };
    try {
      const events = await this.client.messages.create(body, { signal: options.signal });
      yield* convertStream(events, context);
    } catch (error) {
      throw mapError(error, { provider: this.provider, signal: options.signal });
    }
  }
}

/** The Anthropic SDK client a driver (or the availability probe) uses: every option explicit, no SDK retries, keyless = no Authorization. */
export function createAnthropicClient(options: AnthropicChatModelOptions): Anthropic {
  const headers: Record<string, string | null> = {};
  // A keyless provider sends no Authorization at all; null tells the SDK it was left out on purpose.
  if (options.apiKey === undefined || options.apiKey === "") headers["authorization"] = null;
  if (options.apiVersion !== undefined) headers["anthropic-version"] = options.apiVersion;
  return new Anthropic({
    // An explicit key (even "") and URL keep the SDK from reading ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL.
    apiKey: options.apiKey ?? "",
    baseURL: options.baseUrl ?? DEFAULT_BASE_URL,
    webhookKey: null,
    maxRetries: 0,
    // Set here so ANTHROPIC_LOG / ANTHROPIC_OPEN_TELEMETRY_* cannot turn on request logging,
    // prompt content in spans, or trace headers sent to the vendor.
    logLevel: "warn",
    openTelemetry: { propagation: false, traces: { enabled: true, contentMode: "metadata_only" } },
    defaultHeaders: headers,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}
