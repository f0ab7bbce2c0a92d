/**
 * providers/openai/: the Chat Completions driver behind the ChatModel port, on the official
 * `openai` SDK (which parses the SSE stream). Serves `openai`, `deepseek` (dialect `deepseek`:
 * reasoning_content in and out) and any OpenAI-compatible server (vLLM, groq, OpenRouter).
 * May import domain/ and the port (`../chat-model.ts`) only.
 */
export { OPENAI_DEFAULT_CAPABILITIES, createOpenAiChatModel, createOpenAiClient } from "./openai-chat-model.ts";
export type { OpenAiChatModelOptions } from "./openai-chat-model.ts";
export type { OpenAiDialect } from "./convert-messages.ts";
