import type { CompactionPolicy, CompactionTrigger, ContextCompaction, Message } from "../domain/index.ts";
import type { ChatModel } from "../providers/index.ts";
import { applyCompaction, estimateTokens, planCompaction } from "./compaction.ts";
import { summarize } from "./summarize.ts";
import type { RequestTransform } from "./types.ts";

/** One compaction of a conversation. `windowTokens` 0 = unknown. */
export interface CompactContextOptions {
  messages: readonly Message[];
  system: string;
  policy: CompactionPolicy;
  /** The model that writes the summary (the serving model, or the policy's cheaper one). */
  summarizer: ChatModel;
  windowTokens: number;
  trigger: CompactionTrigger;
  metadata: Readonly<Record<string, unknown>>;
  signal: AbortSignal;
  limits: { headerTimeoutMs: number; idleTimeoutMs: number };
  transformRequest?: RequestTransform | undefined;
}

/** A compacted conversation and the `context_compaction` payload that lets replay rebuild it. */
export interface CompactedContext {
  messages: Message[];
  event: ContextCompaction;
}

/**
 * Plans the cut, asks the summarizer for the span's summary, and builds the compacted
 * conversation with the same `applyCompaction` replay uses. Null when there is nothing to cut.
 */
export async function compactContext(options: CompactContextOptions): Promise<CompactedContext | null> {
  const { messages, policy } = options;
  const plan = planCompaction(messages, { keepFirst: policy.keepFirst, keepLastN: policy.keepLastN, windowTokens: options.windowTokens });
  if (plan === null) return null;
  const summary = await summarize({
    model: options.summarizer,
    span: plan.span,
    targetTokens: Math.ceil((estimateTokens(plan.span) * policy.targetPercentage) / 100),
    metadata: options.metadata,
    signal: options.signal,
    limits: options.limits,
    transformRequest: options.transformRequest,
  });
  const cut = { keepFirst: plan.head === 1, keepN: plan.tail, summary };
  const compacted = applyCompaction(messages, cut);
  return {
    messages: compacted,
    event: {
      summary,
      before_tokens: estimateTokens(messages, options.system),
      after_tokens: estimateTokens(compacted, options.system),
      keep_n: plan.tail,
      keep_first: plan.head === 1,
      trigger: options.trigger,
    },
  };
}
