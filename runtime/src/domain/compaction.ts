import { z } from "zod";

/**
 * Context compaction: the policy an agent (and a run, field by field) sets, and the record a
 * compaction leaves in the transcript. The algorithm lives in loop/compaction.ts.
 */

/** `compaction:` on an agent or a run; every field optional so a run overrides field by field. */
export const CompactionSpec = z.strictObject({
  enabled: z.boolean().optional(),
  /** Summary length as a percentage of the span it replaces. */
  target_percentage: z.number().int().min(10).max(50).optional(),
  /** Trailing messages kept verbatim (snapped back to a clean turn boundary). */
  keep_last_n: z.number().int().min(0).max(10_000).optional(),
  /** Keep the first user message verbatim. */
  keep_first: z.boolean().optional(),
  /** Auto-compact when the last call used this percentage of the model's window. */
  autocompact_at_pct: z.number().int().min(50).max(95).optional(),
  /** A cheaper summarizer: "provider/model" or a `models:` alias. */
  model: z.string().min(1).optional(),
});
export type CompactionSpec = z.infer<typeof CompactionSpec>;

/** The resolved policy the loop applies: defaults filled in. */
export interface CompactionPolicy {
  enabled: boolean;
  targetPercentage: number;
  keepLastN: number;
  keepFirst: boolean;
  autocompactAtPct: number;
  model?: string;
}

/** What triggered a compaction. */
export type CompactionTrigger = "manual" | "auto" | "self";

/**
 * The `context_compaction` payload (loomcycle shape). Replay cuts the same place from it: the
 * first message stays when `keep_first`, the last `keep_n` messages stay, and everything
 * between becomes one user message holding `summary`.
 */
export interface ContextCompaction {
  summary: string;
  before_tokens: number;
  after_tokens: number;
  keep_n: number;
  keep_first: boolean;
  trigger: CompactionTrigger;
}

/** Resolves the policy: the run's fields win over the agent's, defaults fill the rest. */
export function resolveCompaction(agent: CompactionSpec | undefined, run: CompactionSpec | undefined): CompactionPolicy {
  const merged: CompactionSpec = { ...agent };
  for (const [key, value] of Object.entries(run ?? {})) if (value !== undefined) Object.assign(merged, { [key]: value });
  return {
    enabled: merged.enabled ?? false,
    targetPercentage: merged.target_percentage ?? 10,
    keepLastN: merged.keep_last_n ?? 4,
    keepFirst: merged.keep_first ?? true,
    autocompactAtPct: merged.autocompact_at_pct ?? 80,
    ...(merged.model === undefined ? {} : { model: merged.model }),
  };
}
