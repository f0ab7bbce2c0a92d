/**
 * loop/: the agent loop. Touches no I/O except through ports; may import domain/ and, for
 * types only, the provider, tool, store and queue ports.
 */
export { runLoop } from "./run-loop.ts";
export { replayTranscript } from "./replay.ts";
export type { ReplayedTranscript } from "./replay.ts";
export type { InputSource, SteeredInput, TurnControl } from "./types.ts";
export type { EventSink, FallbackStep, LoopCompaction, LoopInput, LoopLimits, LoopRun, ModelRoute, ParkControl, RequestTransform } from "./types.ts";
export { applyCompaction, estimateTokens, planCompaction, SUMMARY_PREFIX } from "./compaction.ts";
export type { CompactionPlan, PlanOptions } from "./compaction.ts";
export { compactContext } from "./compact-context.ts";
export type { CompactContextOptions, CompactedContext } from "./compact-context.ts";
export type { NextStep } from "./next-step.ts";
