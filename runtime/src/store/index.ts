/**
 * store/: the storage ports and their adapters (Postgres through `pg`, embedded through PGlite),
 * sharing one set of SQL files and numbered migrations. May import domain/ only.
 */
export type { EventLog, GatewayUsage, NewRun, NewSession, RunFilter, RunStore, Store, UsageFilter, UsageRow } from "./ports.ts";
export { createPostgresStore } from "./postgres/create-postgres-store.ts";
export type { PostgresStoreOptions } from "./postgres/create-postgres-store.ts";
export { createPgliteStore } from "./pglite/create-pglite-store.ts";
export type { PgliteStoreOptions } from "./pglite/create-pglite-store.ts";
export type { EvaluationStore, NewEvaluation } from "./evaluation-ports.ts";
export type { HookStore } from "./hook-ports.ts";
export type { DefinitionApplyOutcome, DefinitionStore, DefinitionWriter, NewDefinitionVersion } from "./definition-ports.ts";
export type { TenantScopedStore } from "./ports.ts";
export type { NewOperatorToken, OperatorTokenRecord, OperatorTokenStatus, TokenRef, TokenRotation, TokenStore } from "./token-ports.ts";
export type { InterruptFilter, InterruptSettlement, InterruptStore, NewInterrupt } from "./interrupt-ports.ts";
export type {
  ChannelMessage,
  ChannelPartition,
  ChannelStore,
  ChannelWithStats,
  CursorKey,
  NewChannel,
  PublishedMessage,
  PublishOptions,
  StoredChannel,
} from "./channel-ports.ts";
export type { LimitStore, NewTokenLimit, TokenLimitKey } from "./limit-ports.ts";
export type { RunAdmission } from "./ports.ts";
export type { CancelMark, ControlStore } from "./control-ports.ts";
export type { RunGauges, StatsStore } from "./stats-ports.ts";
export type { IdempotencyStore } from "./idempotency-ports.ts";
export type { NewSnapshot, SnapshotRecord, SnapshotRestoreOutcome, SnapshotSectionSummary, SnapshotStore } from "./snapshot-ports.ts";
export type { RuntimeStateName, RuntimeStateRecord, RuntimeStateStore } from "./runtime-state-ports.ts";
export type { RunInputRecord, RunInputStore } from "./run-input-ports.ts";
