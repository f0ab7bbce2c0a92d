/**
 * Part of the composition root (only main.ts imports it): one model lister per wire, on each
 * vendor's official SDK, for the availability probe (`GET /v1/_resolver`). The clients are set up
 * as the drivers set up theirs: every option explicit so no SDK reads its own environment
 * variables, no SDK retries, and a keyless provider sends no Authorization header.
 */
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { Ollama } from "ollama";
import OpenAI from "openai";
import type { ProviderDriver, ProviderEndpoint } from "./config/index.ts";
import type { ModelLister } from "./providers/index.ts";

/** What a lister needs: where the provider is and its key (read by main.ts). */
export interface ListerOptions {
  endpoint: ProviderEndpoint;
  apiKey: string | undefined;
}

/** The OpenAI-compatible endpoints the driver knows without a `base_url`. */
const OPENAI_BASE_URLS: Readonly<Record<string, string>> = { openai: "https://api.openai.com/v1", deepseek: "https://api.deepseek.com/v1" };

function anthropicLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  const client = new Anthropic({
    apiKey: apiKey ?? "",
    baseURL: endpoint.baseUrl ?? "https://api.anthropic.com",
    webhookKey: null,
    maxRetries: 0,
    logLevel: "warn",
    defaultHeaders: apiKey ? {} : { authorization: null },
  });
  return async (signal) => {
    const models: string[] = [];
    for await (const model of client.models.list({}, { signal })) models.push(model.id);
    return models;
  };
}

function openAiLister({ endpoint, apiKey }: ListerOptions): ModelLister {
  const baseURL = endpoint.baseUrl ?? OPENAI_BASE_URLS[endpoint.id];
  if (baseURL === undefined) return () => Promise.reject(new Error(`provider ${endpoint.id} has no base_url`));
  const client = new OpenAI({
    apiKey: apiKey || "keyless",
    baseURL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    logLevel: "warn",
    ...(apiKey ? {} : { defaultHeaders: { authorization: null } }),
  });
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
