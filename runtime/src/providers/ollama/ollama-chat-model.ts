import { Ollama } from "ollama";
import type { Message, Usage } from "../../domain/index.ts";
import type { ChatModel, ModelCallOptions, ModelCapabilities, ModelRequest, ModelStreamPart } from "../chat-model.ts";
import { buildRequest } from "./build-request.ts";
import { createCallFetch } from "./call-fetch.ts";
import type { CallFetch } from "./call-fetch.ts";
import { findContextLength, sharedContextWindows } from "./context-window.ts";
import type { ContextWindowCache } from "./context-window.ts";
import { mapChatFrame } from "./map-chat-frame.ts";
import { mapDoneReason } from "./map-done-reason.ts";
import { mapError } from "./map-error.ts";

/** What an Ollama model can do until told otherwise; the window is learned from `/api/ps`. */
export const OLLAMA_CAPABILITIES: ModelCapabilities = {
  vision: false,
  thinking: true,
  promptCache: false,
  parallelToolCalls: true,
  maxContextTokens: 0,
};

/** Longest wait for `/api/ps` after a call: it only feeds a gauge, so it must not hold up `finish`. */
const PS_TIMEOUT_MS = 2_000;

/** Settings of one Ollama model; main.ts builds them from config (the driver reads no environment). */
export interface OllamaChatModelOptions {
  /** `ollama` (cloud, bearer key), `ollama-local`, or a custom provider id using this driver. */
  provider: string;
  /** Server URL, e.g. http://localhost:11434 or https://ollama.com. */
  host: string;
  /** Sent as `Authorization: Bearer …` (Ollama cloud). */
  apiKey?: string;
  model: string;
  /** `options.num_ctx` on every call; when set it is also the reported window. */
  numCtx?: number;
  capabilities?: Partial<ModelCapabilities>;
  /** Fetch used for every request (tests, proxies); the global fetch when absent. */
  fetch?: typeof fetch;
  /** Where loaded windows are cached; the process-wide cache when absent. */
  contextWindows?: ContextWindowCache;
  /** Longer stream timeouts for a local server (a big prefill can take minutes before the first token). */
  streamTimeouts?: { headerMs: number; idleMs: number };
}

/** Builds a ChatModel that streams Ollama's `/api/chat` through the official `ollama` client. */
export function createOllamaChatModel(options: OllamaChatModelOptions): ChatModel {
  return new OllamaChatModel(options);
}

/** The Ollama adapter: domain request → `/api/chat` NDJSON → normalized stream parts. */
export class OllamaChatModel implements ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly streamTimeouts?: { headerMs: number; idleMs: number };
  private readonly options: OllamaChatModelOptions;
  private readonly baseCapabilities: ModelCapabilities;
  private readonly contextWindows: ContextWindowCache;

  constructor(options: OllamaChatModelOptions) {
    this.provider = options.provider;
    this.modelId = options.model;
    if (options.streamTimeouts) this.streamTimeouts = options.streamTimeouts;
    this.options = options;
    this.baseCapabilities = { ...OLLAMA_CAPABILITIES, ...options.capabilities };
    this.contextWindows = options.contextWindows ?? sharedContextWindows;
  }

  /** Capabilities, with the window an explicit `numCtx` or the last `/api/ps` reading gave. */
  get capabilities(): ModelCapabilities {
    return { ...this.baseCapabilities, maxContextTokens: this.knownContextWindow() ?? this.baseCapabilities.maxContextTokens };
  }

  async *stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart> {
    const controller = new AbortController();
    const unlink = linkAbort(options.signal, controller);
    const call = createCallFetch(this.options.fetch ?? globalThis.fetch, controller.signal);
    try {
      yield* this.streamParts(request, { call, signal: controller.signal });
    } catch (error) {
      if (options.signal.aborted) throw options.signal.reason ?? error;
      const retryAfterMs = call.retryAfterMs();
      throw mapError(error, { host: this.options.host, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
    } finally {
      unlink();
      controller.abort();
    }
  }

  private async *streamParts(request: ModelRequest, context: { call: CallFetch; signal: AbortSignal }): AsyncGenerator<ModelStreamPart> {
    const body = buildRequest(request, { model: this.modelId, ...(this.options.numCtx === undefined ? {} : { numCtx: this.options.numCtx }) });
    const frames = await this.client(context.call.fetch).chat(body);
    const turn = assistantTurns(request.messages);
    let slot = 0;
    let doneReason: string | undefined;
    const usage: Usage = { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    // The client throws when the stream ends without its `done` frame (a cut stream).
    for await (const frame of frames) {
      yield* mapChatFrame(frame, () => `lc-${turn}-${slot++}`);
      if (!frame.done) continue;
      doneReason = frame.done_reason;
      usage.input_tokens = frame.prompt_eval_count ?? 0;
      usage.output_tokens = frame.eval_count ?? 0;
    }
    const maxContextTokens = await this.contextWindow(context.signal);
    yield {
      type: "finish",
      stopReason: mapDoneReason(doneReason, slot > 0),
      usage: { ...usage, model: this.modelId, provider: this.provider, max_context_tokens: maxContextTokens },
    };
  }

  /** A client per call: its fetch carries the call's signal, and nothing is shared between calls. */
  private client(callFetch: typeof fetch): Ollama {
    const headers = this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : undefined;
    return new Ollama({ host: this.options.host, fetch: callFetch, ...(headers ? { headers } : {}) });
  }

  private cacheKey(): string {
    return `${this.options.host}|${this.modelId}`;
  }

  private knownContextWindow(): number | undefined {
    if (this.options.numCtx !== undefined) return this.options.numCtx;
    return this.contextWindows.get(this.cacheKey()) ?? undefined;
  }

  /** The loaded window: `numCtx`, else `/api/ps` (cached, best effort: a failure only means "unknown"). */
  private async contextWindow(signal: AbortSignal): Promise<number> {
    const fallback = this.baseCapabilities.maxContextTokens;
    if (this.options.numCtx !== undefined) return this.options.numCtx;
    const cached = this.contextWindows.get(this.cacheKey());
    if (cached !== null) return cached ?? fallback;
    let tokens: number | undefined;
    try {
      const bounded = createCallFetch(this.options.fetch ?? globalThis.fetch, AbortSignal.any([signal, AbortSignal.timeout(PS_TIMEOUT_MS)]));
      tokens = findContextLength(await this.client(bounded.fetch).ps(), this.modelId);
    } catch {
      tokens = undefined;
    }
    this.contextWindows.set(this.cacheKey(), tokens);
    return tokens ?? fallback;
  }
}

function assistantTurns(messages: readonly Message[]): number {
  return messages.filter((message) => message.role === "assistant").length;
}

function linkAbort(parent: AbortSignal, child: AbortController): () => void {
  if (parent.aborted) child.abort(parent.reason);
  const onAbort = (): void => child.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return () => parent.removeEventListener("abort", onAbort);
}
