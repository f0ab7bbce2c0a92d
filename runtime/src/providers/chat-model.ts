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

/** One model call. `metadata` is the run's trusted metadata (the mock provider reads its script there). */
export interface ModelRequest {
  system: string;
  messages: readonly Message[];
  tools: readonly ToolDefinition[];
  maxTokens: number;
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

/** A model behind a provider. `stream` must stop promptly when `signal` aborts. */
export interface ChatModel {
  readonly provider: string;
  readonly modelId: string;
  stream(request: ModelRequest, options: ModelCallOptions): AsyncIterable<ModelStreamPart>;
}
