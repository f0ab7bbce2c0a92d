/**
 * providers/ollama/: the Ollama driver (`ollama`, `ollama-local`, custom ids) behind the ChatModel
 * port, on the official `ollama` client (`/api/chat` NDJSON, `/api/ps` for the loaded window).
 * May import domain/ and providers/chat-model.ts only.
 */
export { createOllamaChatModel, OllamaChatModel, OLLAMA_CAPABILITIES } from "./ollama-chat-model.ts";
export type { OllamaChatModelOptions } from "./ollama-chat-model.ts";
export { ContextWindowCache } from "./context-window.ts";
