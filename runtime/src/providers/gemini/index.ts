/**
 * providers/gemini/: the Gemini driver behind the ChatModel port, on the official `@google/genai`
 * client (`models.generateContentStream`). May import domain/ and providers/chat-model.ts only.
 */
export { createGeminiChatModel, GeminiChatModel, GEMINI_CAPABILITIES } from "./gemini-chat-model.ts";
export type { GeminiChatModelOptions } from "./gemini-chat-model.ts";
