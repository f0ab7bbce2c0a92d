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
export { PARKED_STATUSES, TERMINAL_STATUSES } from "./run.ts";
export type { Run, RunLineage, RunOptions, ParkTarget, RunOutcome, RunParked, RunStatus, Session } from "./run.ts";
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
export { AGENT_DEF_SCOPE } from "./agent.ts";
export type { Agent, AgentSource, EvaluationScope, MemoryScope, Tier } from "./agent.ts";
export { CompactionSpec, resolveCompaction } from "./compaction.ts";
export type { CompactionPolicy, CompactionTrigger, ContextCompaction } from "./compaction.ts";
export { silentLogger } from "./logger.ts";
export type { Logger } from "./logger.ts";
export { sleep } from "./sleep.ts";
export {
  DEFAULT_EVALUATION_LIST_LIMIT,
  EMITTER_ROLES,
  EvaluationBody,
  MAX_EVALUATION_DIMENSIONS,
  MAX_EVALUATION_LIST_LIMIT,
  MAX_JUDGEMENT_CHARS,
  MAX_RATIONALE_CHARS,
} from "./evaluation.ts";
export type { EmitterRole, Evaluation } from "./evaluation.ts";
export { DEFAULT_HOOK_TIMEOUT_MS, MAX_HOOK_TIMEOUT_MS, matchesHookGlobs } from "./hook.ts";
export type { Hook, HookFailMode, HookPhase, NewHook } from "./hook.ts";
export { REDACTED_SECRET, UserBearer, UserCredentials, credentialValues, maskSecrets } from "./run-credentials.ts";
export type { RunCredentials } from "./run-credentials.ts";
export {
  CHANNEL_NAME_PATTERN,
  CHANNEL_PREVIEW_CHARS,
  CHANNEL_SCOPES,
  DEFAULT_CHANNEL_BATCH,
  MAX_CHANNEL_BATCH,
  formatCursor,
  parseCursor,
  parseTtlMs,
} from "./channel.ts";
export type {
  ChannelAckRequest,
  ChannelDeliveredMessage,
  ChannelDelivery,
  ChannelDescriptor,
  ChannelEventInfo,
  ChannelPartitionRef,
  ChannelPublishRequest,
  ChannelPublished,
  ChannelReadRequest,
  ChannelScope,
  ChannelSource,
  ChannelSpec,
  ChannelSubscribeRequest,
} from "./channel.ts";
export { DEFAULT_INTERRUPT_TIMEOUT_MS, INTERRUPT_KINDS, INTERRUPT_PRIORITIES, INTERRUPT_STATUSES, MAX_INTERRUPT_TIMEOUT_MS } from "./interrupt.ts";
export type { Interrupt, InterruptKind, InterruptPriority, InterruptStatus, InterruptionNotice, InterruptionPending } from "./interrupt.ts";
export {
  DEFAULT_MEMORY_LIST_LIMIT,
  DEFAULT_MEMORY_TOP_K,
  MAX_MEMORY_KEY_LENGTH,
  MAX_MEMORY_LIST_LIMIT,
  MAX_MEMORY_TOP_K,
  MAX_MEMORY_TTL_SECONDS,
  MAX_MEMORY_VALUE_BYTES,
} from "./memory.ts";
export type {
  Embedder,
  MemoryBackend,
  MemoryEmbedding,
  MemoryEntry,
  MemoryHit,
  MemoryQuery,
  MemoryScopeIdSummary,
  MemoryScopeRef,
  MemorySearchRequest,
  MemorySearchResult,
  MemorySetRequest,
  MemorySetResult,
  MemoryWrite,
} from "./memory.ts";
export { ANONYMOUS_PRINCIPAL, DEFAULT_TENANT, OPEN_PRINCIPAL } from "./principal.ts";
export type { Principal } from "./principal.ts";
export { SCOPES, effectiveScopes, grantsScope, isScope } from "./scopes.ts";
export type { Scope } from "./scopes.ts";
export { canonicalJson, contentSha256 } from "./canonical-json.ts";
export { A2aAgentDef, A2aServerCardDef, DEFINITION_KINDS, DEFINITION_NAME, DEFINITION_SCHEMAS, McpServerDef, MemoryBackendDef, ScheduleDef, SkillDef, WebhookDef } from "./definitions.ts";
export type { DefinitionKind, DefinitionSource } from "./definitions.ts";
export { DEFINITION_OPS, DefinitionOpRequest } from "./definitions.ts";
export type { DefinitionOp } from "./definitions.ts";
export { PROMOTE_BY_DEFAULT, definitionSha256, parseDefinition, patternCovers, uncoveredEntries } from "./definition-rules.ts";
export type { DefinitionNameSummary, DefinitionRecord } from "./definition-rules.ts";
export { LIMIT_SCOPES, QUOTA_RETRY_AFTER_SECONDS, monthStartUtc, reachedLimits, secondsToNextMonthUtc } from "./limits.ts";
export type { LimitNotice, LimitScope, RunQuota, TokenLimit, TokenLimitUsage } from "./limits.ts";
export {
  SECRET_DEFINITION_KINDS,
  SNAPSHOT_MIGRATIONS,
  SNAPSHOT_SCHEMA_VERSION,
  SNAPSHOT_SECTIONS,
  SNAPSHOT_SECTION_VERSIONS,
  buildSnapshotEnvelope,
  readSnapshotEnvelope,
  versionMajor,
} from "./snapshot.ts";
export type {
  ReadEnvelope,
  SnapshotChannelItem,
  SnapshotDefinitionItem,
  SnapshotEnvelope,
  SnapshotEvaluationItem,
  SnapshotMemoryItem,
  SnapshotPausedSessionItem,
  SnapshotRestoreCounts,
  SnapshotRestoreResult,
  RawSnapshotSection,
  SnapshotMigrations,
  SnapshotSectionName,
  SnapshotSections,
} from "./snapshot.ts";
