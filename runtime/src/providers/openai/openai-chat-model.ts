import OpenAI from "openai";
import { AppError } from "../../domain/index.ts";
import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { buildRequest } from "./build-request.ts";
import { convertStream } from "./convert-stream.ts";
import type { OpenAiDialect } from "./convert-messages.ts";
import { mapError } from "./map-error.ts";

/** Endpoints of the providers this driver knows; any other id must bring its `baseUrl`. */
const DEFAULT_BASE_URLS: Readonly<Record<string, string>> = { openai: "https://api.openai.com/v1", deepseek: "https://api.deepseek.com/v1" };
/** A key the SDK insists on; never sent, because the Authorization header is removed for keyless providers. */
const KEYLESS_PLACEHOLDER = "keyless";

/** Defaults per provider: OpenAI's GPT models, DeepSeek (reasoning, no images), and unknown servers (claim little). */
export const OPENAI_DEFAULT_CAPABILITIES: Readonly<Record<"openai" | "deepseek" | "custom", ModelCapabilities>> = Object.freeze({
  openai: { vision: true, thinking: false, promptCache: false, parallelToolCalls: true, maxContextTokens: 128_000 },
  deepseek: { vision: false, thinking: true, promptCache: false, parallelToolCalls: true, maxContextTokens: 64_000 },
  custom: { vision: false, thinking: false, promptCache: false, parallelToolCalls: true, maxContextTokens: 0 },
});

/** Everything the Chat Completions driver needs; the lead resolves keys and URLs in config/, never here. */
export interface OpenAiChatModelOptions {
  /** `openai`, `deepseek`, or a custom id (vLLM, groq, OpenRouter…), which must set `baseUrl`. */
  provider: string;
  /** Sent as a bearer token; absent = keyless (local vLLM), no Authorization header at all. */
  apiKey?: string;
  /** Ends in the version segment, e.g. `https://api.openai.com/v1`; defaults for openai and deepseek. */
  baseUrl?: string;
  model: string;
  /** Defaults to `deepseek` for the deepseek provider, else `openai`. */
  dialect?: OpenAiDialect;
  /** Overrides merged over the provider's OPENAI_DEFAULT_CAPABILITIES. */
  capabilities?: Partial<ModelCapabilities>;
  /** A fetch implementation (tests, proxies); defaults to the global one. */
  fetch?: typeof globalThis.fetch;
}

/**
 * Builds a ChatModel on Chat Completions through the official `openai` SDK, for OpenAI, DeepSeek
 * and any OpenAI-compatible server. The SDK never retries (`maxRetries: 0`: the loop owns
 * retries) and never reads OPENAI_* variables: key and URL come from `options` only.
 * Throws CONFIG_INVALID when a custom provider has no `baseUrl`.
 */
export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  return new OpenAiChatModel(options);
}

class OpenAiChatModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities: ModelCapabilities;
  private readonly dialect: OpenAiDialect;
  private readonly client: OpenAI;

  constructor(options: OpenAiChatModelOptions) {
    this.provider = options.provider;
    this.modelId = options.model;
    this.dialect = options.dialect ?? (options.provider === "deepseek" ? "deepseek" : "openai");
    this.capabilities = Object.freeze({ ...defaultCapabilities(options.provider, this.dialect), ...options.capabilities });
    this.client = createOpenAiClient(options);
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    const body = buildRequest(request, { model: this.modelId, dialect: this.dialect });
    const context = { provider: this.provider, model: this.modelId, maxContextTokens: this.capabilities.maxContextTokens };
    try {
      const chunks = await this.client.chat.completions.create(body, { signal: options.signal });
      yield* convertStream(chunks, context);
    } catch (error) {
      throw mapError(error, { provider: this.provider, signal: options.signal });
    }
  }
}

function defaultCapabilities(provider: string, dialect: OpenAiDialect): ModelCapabilities {
  if (provider === "openai") return OPENAI_DEFAULT_CAPABILITIES.openai;
  return dialect === "deepseek" ? OPENAI_DEFAULT_CAPABILITIES.deepseek : OPENAI_DEFAULT_CAPABILITIES.custom;
}

/** The OpenAI SDK client a driver (or the availability probe) uses: every option explicit, no SDK retries, keyless = no Authorization. */
export function createOpenAiClient(options: OpenAiChatModelOptions): OpenAI {
  const baseURL = options.baseUrl ?? DEFAULT_BASE_URLS[options.provider];
  if (baseURL === undefined) {
    throw new AppError("CONFIG_INVALID", `provider ${options.provider}: an OpenAI-compatible provider needs a base_url`, {
      details: { field: `providers.${options.provider}.base_url` },
    });
  }
  const keyless = options.apiKey === undefined || options.apiKey === "";
  return new OpenAI({
    // Every value explicit (null = none) so the SDK reads no OPENAI_* variable.
    apiKey: keyless ? KEYLESS_PLACEHOLDER : options.apiKey,
    baseURL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    // Set here so OPENAI_LOG cannot turn on request logging.
    logLevel: "warn",
    ...(keyless ? { defaultHeaders: { authorization: null } } : {}),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}
