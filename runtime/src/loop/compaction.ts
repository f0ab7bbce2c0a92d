import type { Message } from "../domain/index.ts";

/**
 * The pure half of context compaction: where to cut a conversation and how a cut conversation
 * looks. The live loop and replay both build the compacted context with `applyCompaction`, so
 * they agree by construction.
 */

/** Rough chars-per-token ratio for estimates (the mock provider counts the same way). */
const CHARS_PER_TOKEN = 4;
/** The kept tail may use at most this share of the model's window. */
const TAIL_SHARE = 0.5;
/** How the summary message opens. */
export const SUMMARY_PREFIX = "Summary of the earlier conversation: ";

/** Estimated tokens of messages (≈ chars / 4 of their JSON content). */
export function estimateTokens(messages: readonly Message[], system = ""): number {
  const chars = system.length + messages.reduce((sum, message) => sum + JSON.stringify(message.content).length, 0);
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

/** Where to cut: `head` leading messages kept (0 or 1), `tail` trailing messages kept, the span between summarized. */
export interface CompactionPlan {
  head: number;
  tail: number;
  span: Message[];
}

/** What the cut depends on. `windowTokens` 0 means unknown (no folding). */
export interface PlanOptions {
  keepFirst: boolean;
  keepLastN: number;
  windowTokens: number;
}

/**
 * Plans a compaction: keep the first user message when `keepFirst`, keep the last `keepLastN`
 * messages snapped back to a clean turn boundary (a tool_result never loses its tool_use), then
 * fold the tail's oldest turns into the span while the tail is over half the window. Returns null
 * when there is nothing between head and tail to summarize.
 */
export function planCompaction(messages: readonly Message[], options: PlanOptions): CompactionPlan | null {
  const head = options.keepFirst && messages[0]?.role === "user" && isCleanStart(messages[0]) ? 1 : 0;
  let start = Math.max(head, messages.length - options.keepLastN);
  while (start > head && !isCleanStart(messages[start])) start--;
  start = foldTail(messages, { start, windowTokens: options.windowTokens });
  if (start <= head) return null;
  return { head, tail: messages.length - start, span: messages.slice(head, start) };
}

/** Moves the tail's oldest turns into the span while the tail is over half the window. */
function foldTail(messages: readonly Message[], options: { start: number; windowTokens: number }): number {
  let start = options.start;
  if (options.windowTokens <= 0) return start;
  const cap = options.windowTokens * TAIL_SHARE;
  while (estimateTokens(messages.slice(start)) > cap) {
    const next = nextCleanStart(messages, start);
    if (next === null) break;
    start = next;
  }
  return start;
}

/** The compacted conversation: head, one user message with the summary, tail. */
export function applyCompaction(messages: readonly Message[], cut: { keepFirst: boolean; keepN: number; summary: string }): Message[] {
  const head = cut.keepFirst ? messages.slice(0, 1) : [];
  const tail = cut.keepN > 0 ? messages.slice(Math.max(head.length, messages.length - cut.keepN)) : [];
  return [...head, summaryMessage(cut.summary), ...tail];
}

/** The user message that stands for the summarized span. */
export function summaryMessage(summary: string): Message {
  return { role: "user", content: [{ type: "text", text: `${SUMMARY_PREFIX}${summary}` }] };
}

/** A conversation may start at this message without splitting a tool_use from its tool_result. */
function isCleanStart(message: Message | undefined): boolean {
  if (message === undefined) return false;
  return !message.content.some((block) => block.type === "tool_result");
}

function nextCleanStart(messages: readonly Message[], from: number): number | null {
  for (let index = from + 1; index < messages.length; index++) if (isCleanStart(messages[index])) return index;
  return null;
}
