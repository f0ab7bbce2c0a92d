/**
 * domain/: pure types, zod schemas and small pure helpers shared by every layer.
 * May import nothing from the repo; zod only.
 */
export { AppError, ModelTimeoutError, isAppError } from "./errors.ts";
export type { AppErrorOptions, ErrorCode } from "./errors.ts";
export {
  ContentBlock,
  ImageBlock,
  Segment,
  SegmentContent,
  TextBlock,
  ThinkingBlock,
  ToolResultBlock,
  ToolUseBlock,
  messageText,
  segmentsToMessage,
} from "./message.ts";
export type { Message } from "./message.ts";
export { PERSISTED_ONLY, addUsage, emptyUsage, isTerminalEvent } from "./run-event.ts";
export type { ProviderFallback, RunEvent, RunEventType, StopReason, StoredEvent, ToolUse, Usage } from "./run-event.ts";
export { TERMINAL_STATUSES } from "./run.ts";
export type { Run, RunOptions, RunOutcome, RunStatus, Session } from "./run.ts";
export { newId } from "./ids.ts";
export {
  AgentSpec,
  DEFAULT_MAX_ITERATIONS,
  EVALUATION_SCOPES,
  HANDLE_PATTERN,
  MEMORY_SCOPES,
  MAX_RETRY_ATTEMPTS,
  SamplingSpec,
  TIERS,
  effectiveMaxIterations,
  mergeSampling,
} from "./agent.ts";
export type { Agent, AgentSource, EvaluationScope, MemoryScope, Tier } from "./agent.ts";
export { CompactionSpec, resolveCompaction } from "./compaction.ts";
export type { CompactionPolicy, CompactionTrigger, ContextCompaction } from "./compaction.ts";
export { silentLogger } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { sleep } from "./sleep.ts";
