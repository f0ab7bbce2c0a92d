/**
 * loop/: the agent loop. Touches no I/O except through ports; may import domain/ and, for
 * types only, the provider, tool, store and queue ports.
 */
export { runLoop } from "./run-loop.ts";
export { replayTranscript } from "./replay.ts";
export type { ReplayedTranscript } from "./replay.ts";
export type { EventSink, FallbackStep, LoopInput, LoopLimits, LoopRun, ModelRoute } from "./types.ts";
export type { NextStep } from "./next-step.ts";
