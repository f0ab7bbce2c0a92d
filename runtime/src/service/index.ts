/**
 * service/: THE application API. Transports call it and nothing below it. May import loop/ and
 * domain/, and the store, queue, provider and tool ports for types only.
 */
export { RunService } from "./run-service.ts";
export type { CancelResult, RunView } from "./run-service.ts";
export type { CompactRunResult } from "./compact-run.ts";
export { REDACTED, createRedactor } from "./redact-request.ts";
export type { RedactOptions } from "./redact-request.ts";
export { RunExecutor } from "./run-executor.ts";
export { MAX_SPAWN_DEPTH, SubAgentService, childAgentId } from "./sub-agents.ts";
export { buildToolPolicy, intersectHosts, selectRunTools } from "./tool-policy.ts";
export type { OperatorSandbox } from "./tool-policy.ts";
export { AgentCatalog } from "./agent-catalog.ts";
export { DefinitionService } from "./definition-service.ts";
export type { ApplyDefinition, DefinitionActor, DefinitionResult, DefinitionServiceDeps } from "./definition-service.ts";
export type { DefinitionNameView, DefinitionView } from "./definition-view.ts";
export type { DefinitionCaller } from "./definition-grants.ts";
export { ProviderHealth } from "./provider-health.ts";
export { ModelRouter, resolveCandidates, supportsVision } from "./model-router.ts";
export type { RouterOptions } from "./model-router.ts";
export { ProviderProbe } from "./provider-probe.ts";
export type { ProbeEndpoint, ProviderProbeOptions, ProviderProbeState, ResolverMatrix } from "./provider-probe.ts";
export type { HealthMarkView } from "./provider-health.ts";
export type { ContinueSessionRequest, RunLimits, RunMetrics, ServiceDeps, StartRunRequest } from "./types.ts";
export { USAGE_DIMENSIONS, UsageService } from "./usage-service.ts";
export type { UsageDimension, UsageReportRow } from "./usage-service.ts";
export { MAX_BATCH_RUNS, runBatch } from "./run-batch.ts";
export type { BatchChildResult } from "./run-batch.ts";
export type { RunResult } from "./run-service.ts";
export { EvaluationService } from "./evaluation-service.ts";
export type { EvaluationPage, EvaluationServiceDeps } from "./evaluation-service.ts";
export { CHANNEL_LONG_POLL_CAP_MS, ChannelService } from "./channel-service.ts";
export type { ChannelGrants, ChannelServiceOptions } from "./channel-service.ts";
export { HookService } from "./hook-service.ts";
export type { HookedRun, HookRegistration } from "./hook-service.ts";
export { RunSecrets } from "./run-secrets.ts";
export { InterruptService } from "./interrupt-service.ts";
export { MEMORY_SCOPE_DESCRIPTIONS, MemoryService } from "./memory-service.ts";
export type { MemoryServiceDeps } from "./memory-service.ts";
export type { InterruptList, InterruptServiceOptions, ResolveInterruptRequest, ResolveInterruptResult } from "./interrupt-service.ts";
export { AuthService, unauthenticated } from "./auth-service.ts";
export type { AuthMode, AuthServiceOptions } from "./auth-service.ts";
export { OperatorTokens } from "./operator-tokens.ts";
export type { CreateTokenRequest, IssuedToken, TokenRecord } from "./operator-tokens.ts";
