import type { ContentBlock, Message } from "../domain/index.ts";
import type { ChatModel, ModelRequest } from "../providers/index.ts";
import { streamWithTimeouts } from "./stream-with-timeouts.ts";
import type { RequestTransform } from "./types.ts";

/** Longest tool result or text block quoted to the summarizer, in characters. */
const MAX_BLOCK_CHARS = 8_000;
/** Smallest summary budget, in tokens. */
const MIN_SUMMARY_TOKENS = 64;

/** Tells the summarizer what to keep; `{target}` is its token budget. */
const INSTRUCTION =
  "You compress a conversation between a user, an assistant and its tools so the assistant can continue the task. " +
  "Keep facts, decisions, open tasks, names, identifiers and the tool results that still matter; drop chatter. " +
  "Write at most about {target} tokens. Answer with the summary only.";

/** One summarizer call. */
export interface SummarizeOptions {
  model: ChatModel;
  span: readonly Message[];
  targetTokens: number;
  metadata: Readonly<Record<string, unknown>>;
  signal: AbortSignal;
  limits: { headerTimeoutMs: number; idleTimeoutMs: number };
  transformRequest?: RequestTransform | undefined;
}

/**
 * Asks a model for a summary of `span`, rendered as plain text (tool calls and results become
 * lines, so no tool definitions are needed). Run metadata travels with `loomcycle_summary: true`
 * so a scripted mock can tell this call from a turn.
 */
export async function summarize(options: SummarizeOptions): Promise<string> {
  const target = Math.max(MIN_SUMMARY_TOKENS, options.targetTokens);
  const base: ModelRequest = {
    system: INSTRUCTION.replace("{target}", String(target)),
    messages: [{ role: "user", content: [{ type: "text", text: renderSpan(options.span) }] }],
    tools: [],
    maxTokens: target,
    metadata: { ...options.metadata, loomcycle_summary: true },
  };
  const request = options.transformRequest ? options.transformRequest(base) : base;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) onAbort();
  options.signal.addEventListener("abort", onAbort, { once: true });
  let text = "";
  try {
    const parts = options.model.stream(request, { signal: controller.signal });
    const timeouts = { headerMs: options.limits.headerTimeoutMs, idleMs: options.limits.idleTimeoutMs, controller };
    for await (const part of streamWithTimeouts(parts, timeouts)) if (part.type === "text-delta") text += part.text;
  } finally {
    options.signal.removeEventListener("abort", onAbort);
  }
  return text.trim();
}

/** The span as text: one `[role]` line per message, tool traffic as readable lines. */
export function renderSpan(span: readonly Message[]): string {
  return span.map((message) => `[${message.role}] ${message.content.map(renderBlock).filter((line) => line !== "").join("\n")}`).join("\n");
}

function renderBlock(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return clip(block.text);
    case "tool_use":
      return `called ${block.name} ${clip(JSON.stringify(block.input))}`;
    case "tool_result":
      return `${block.is_error ? "tool error" : "tool result"}: ${clip(block.text)}`;
    case "image":
      return "(an image)";
    default:
      return "";
  }
}

function clip(text: string): string {
  return text.length <= MAX_BLOCK_CHARS ? text : `${text.slice(0, MAX_BLOCK_CHARS)}… (${text.length - MAX_BLOCK_CHARS} more characters)`;
}
