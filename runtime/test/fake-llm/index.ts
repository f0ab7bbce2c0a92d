/**
 * The wire-level fake LLM: a local `node:http` server speaking the real streaming protocols of
 * Anthropic Messages, OpenAI Chat Completions, Gemini and Ollama, for tests that run provider
 * drivers and the official SDKs end to end without the internet. It is the only allowed fake LLM.
 * Test code only; it imports nothing from `runtime/src`.
 */
export { startFakeLlm } from "./fake-llm-server.ts";
export type {
  FakeError,
  FakeLlm,
  FakeProtocol,
  FakeReply,
  FakeStopReason,
  FakeToolCall,
  FakeUsage,
  RecordedRequest,
} from "./types.ts";
