/**
 * providers/embeddings/: Embedder adapters (the port is domain/memory.ts). One today: any
 * OpenAI-compatible `POST /embeddings` endpoint, on the official `openai` SDK.
 */
export { createOpenAiEmbedder } from "./openai-embedder.ts";
export type { OpenAiEmbedderOptions } from "./openai-embedder.ts";
