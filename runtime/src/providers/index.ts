/**
 * providers/: the ChatModel port, the registry, and the provider adapters (mock now; the real
 * vendors arrive with the providers issue). May import domain/ only.
 */
export type {
  ChatModel,
  Effort,
  ModelCallOptions,
  ModelCapabilities,
  ModelRequest,
  ModelStreamPart,
  Sampling,
  ToolDefinition,
} from "./chat-model.ts";
export { ProviderRegistry } from "./registry.ts";
export type { ChatModelFactory, ModelLister, ProviderExtras } from "./registry.ts";
export { ConcurrencyGate } from "./concurrency-gate.ts";
export type { ConcurrencyGateOptions } from "./concurrency-gate.ts";
export { GatedChatModel } from "./gated-chat-model.ts";
export { MOCK_MODELS, MockChatModel } from "./mock/mock-chat-model.ts";
export type { MockOptions } from "./mock/mock-chat-model.ts";
export { createAnthropicChatModel, createAnthropicClient } from "./anthropic/index.ts";
export { createOpenAiChatModel, createOpenAiClient } from "./openai/index.ts";
export { createGeminiChatModel } from "./gemini/index.ts";
export { createOllamaChatModel } from "./ollama/index.ts";
export { createCodeJsChatModel } from "./code-js/index.ts";
export { createOpenAiEmbedder } from "./embeddings/index.ts";
export type { OpenAiEmbedderOptions } from "./embeddings/index.ts";
