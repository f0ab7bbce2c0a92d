import { AppError } from "../../domain/index.ts";
import type { Embedder } from "../../domain/index.ts";
import { createOpenAiClient } from "../openai/index.ts";

/** Texts per request: loomcycle re-embeds in batches of 64, and most servers cap the input list near there. */
const BATCH_SIZE = 64;
/** An embedding call that has not answered in this long has failed (a `set` then stores without a vector). */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Where the embeddings endpoint is and which model it runs; the key VALUE comes from main.ts. */
export interface OpenAiEmbedderOptions {
  /** Recorded with every vector; search compares only vectors of the same provider and model. */
  provider: string;
  /** Ends in the version segment, e.g. `https://api.openai.com/v1`; the client POSTs `{baseUrl}/embeddings`. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; absent = keyless (a local server). */
  apiKey?: string;
  /** Asks models that support it (text-embedding-3-*) for shorter vectors. */
  dimensions?: number;
  timeoutMs?: number;
  /** A fetch implementation (tests, proxies). */
  fetch?: typeof globalThis.fetch;
}

/**
 * An Embedder on any OpenAI-compatible `POST /embeddings` endpoint, through the official SDK's
 * `embeddings.create`. Floats are asked for explicitly (the SDK would otherwise request base64).
 * The SDK never retries: a failed embedding is reported, and the caller decides (a memory `set`
 * still stores the value and warns).
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): Embedder {
  const client = createOpenAiClient({
    provider: options.provider,
    baseUrl: options.baseUrl,
    model: options.model,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function embedBatch(texts: readonly string[], signal: AbortSignal | undefined): Promise<number[][]> {
    const body = { model: options.model, input: [...texts], encoding_format: "float" as const, ...(options.dimensions ? { dimensions: options.dimensions } : {}) };
    const response = await client.embeddings.create(body, { timeout, ...(signal ? { signal } : {}) }).catch((error: unknown) => {
      throw new AppError("PROVIDER_ERROR", `embedding with ${options.provider}/${options.model} failed: ${describe(error)}`, { cause: error, retryable: true });
    });
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (vectors.length !== texts.length) {
      throw new AppError("PROVIDER_ERROR", `embedding with ${options.provider}/${options.model} returned ${vectors.length} vectors for ${texts.length} texts`);
    }
    return vectors;
  }

  return {
    provider: options.provider,
    model: options.model,
    async embed(texts, signal) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += BATCH_SIZE) vectors.push(...(await embedBatch(texts.slice(start, start + BATCH_SIZE), signal)));
      return vectors;
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error && error.message !== "" ? error.message : String(error);
}
