import type { Message, StopReason, Usage } from "../domain/index.ts";

/**
 * THE provider port. A ChatModel streams one model call as normalized parts; adapters translate
 * a vendor's wire format into these parts and nothing else. Imports nothing vendor-specific.
 */

/** A tool as the model sees it. */
export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** Sampling knobs; an absent field is "provider default", `0` is a value. Drivers drop what their API lacks. */
export interface Sampling {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  seed?: number;
  stop?: string[];
}

/** Reasoning effort hint; each driver maps it (Anthropic thinking budget, OpenAI reasoning_effort…). */
export type Effort = "minimal" | "low" | "medium" | "high";

/**
 * One model call. `metadata` is the run's trusted metadata (the mock provider reads its script
 * there). Thinking blocks in `messages` carry their signatures so drivers can echo them back.
 */
export interface ModelRequest {
  system: string;
  /** Mark the system prompt cacheable (Anthropic `cache_control`); others ignore it. */
  systemCacheable?: boolean;
  messages: readonly Message[];
  tools: readonly ToolDefinition[];
  /** 0 = the driver's default. */
  maxTokens: number;
  sampling?: Sampling;
  effort?: Effort;
  metadata: Readonly<Record<string, unknown>>;
}

/** Normalized stream parts, in vercel's noun-verb style. */
export type ModelStreamPart =
  | { type: "text-delta"; text: string }
  | { type: "thinking-delta"; text: string; signature?: string }
  | { type: "tool-call"; id: string; name: string; input: Record<string, unknown> }
  | { type: "finish"; stopReason: Exclude<StopReason, "max_iterations" | "cancelled"> | "tool_use"; usage: Usage };

export interface ModelCallOptions {
  signal: AbortSignal;
}

/** What a model can do; the loop refuses images before the call when `vision` is false. */
export interface ModelCapabilities {
  vision: boolean;
  thinking: boolean;
  promptCache: boolean;
  parallelToolCalls: boolean;
  /** Context window in tokens, for gauges and compaction; 0 when unknown. */
  maxContextTokens: number;
}

/**
 * A model behind a provider. `stream` must stop promptly when `signal` aborts. Failures are
 * AppError `PROVIDER_ERROR` with `retryable` set from the status (429, 5xx, network: true;
 * 400/401/403/404/422: false) and `details.status` / `details.retryAfterMs` when known.
 */
export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  readonly capabilities?: ModelCapabilities;
  /** Stream timeouts this model needs instead of the runtime's (a slow local model's long prefill). */
  readonly streamTimeouts?: { headerMs: number; idleMs: number };
  stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart>;
}
