/**
 * Part of the composition root (only main.ts imports it): one model lister per wire, on each
 * vendor's official SDK, for the availability probe (`GET /v1/_resolver`). Anthropic and OpenAI
 * reuse their drivers' client builders; the Gemini and Ollama clients are set up the same way.
 */
import { GoogleGenAI } from "@google/genai";
import { Ollama } from "ollama";
import type { ProviderDriver, ProviderEndpoint } from "./config/index.ts";
import { createAnthropicClient, createOpenAiClient } from "./providers/index.ts";
import type { ModelLister } from "./providers/index.ts";

/** What a lister needs: where the provider is and its key (read by main.ts). */
export interface ListerOptions {
  endpoint: ProviderEndpoint;
  apiKey: string | undefined;
}

function anthropicLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  const client = createAnthropicClient({ provider: endpoint.id, model: "", ...(apiKey ? { apiKey } : {}), ...(endpoint.baseUrl ? { baseUrl: endpoint.baseUrl } : {}) });
  return async (signal) => {
    const models: string[] = [];
    for await (const model of client.models.list({}, { signal })) models.push(model.id);
    return models;
  };
}

function openAiLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  let client: ReturnType<typeof createOpenAiClient>;
  try {
    client = createOpenAiClient({ provider: endpoint.id, model: "", ...(apiKey ? { apiKey } : {}), ...(endpoint.baseUrl ? { baseUrl: endpoint.baseUrl } : {}) });
  } catch (error) {
    return () => Promise.reject(error);
  }
  return async (signal) => {
    const models: string[] = [];
    for await (const model of client.models.list({ signal })) models.push(model.id);
    return models;
  };
}

function geminiLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  const httpOptions = endpoint.baseUrl === null ? {} : { httpOptions: { baseUrl: endpoint.baseUrl } };
  const client = new GoogleGenAI({ vertexai: false, apiKey: apiKey ?? "", ...httpOptions });
  return async (signal) => {
    const models: string[] = [];
    const pager = await client.models.list({ config: { abortSignal: signal } });
    for await (const model of pager) if (model.name) models.push(model.name.replace(/^models\//, ""));
    return models;
  };
}

function ollamaLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  return async (signal) => {
    const client = new Ollama({
      host: endpoint.baseUrl ?? "http://127.0.0.1:11434",
      fetch: (input, init) => fetch(input, { ...init, signal }),
      ...(apiKey ? { headers: { Authorization: `Bearer ${apiKey}` } } : {}),
    });
    const response = await client.list();
    return response.models.map((model) => model.name);
  };
}

const LISTERS: Readonly<Record<ProviderDriver, (options: ListerOptions) => ModelLister>> = {
  anthropic: anthropicLister,
  openai: openAiLister,
  deepseek: openAiLister,
  gemini: geminiLister,
  ollama: ollamaLister,
};

/** The model lister of a real provider, on its driver's SDK. */
export function createModelLister(options: ListerOptions): ModelLister {
  return LISTERS[options.endpoint.driver](options);
}
