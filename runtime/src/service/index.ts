/**
 * service/: THE application API. Transports call it and nothing below it. May import loop/ and
 * domain/, and the store, queue, provider and tool ports for types only.
 */
export { RunService } from "./run-service.ts";
export type { RunView } from "./run-service.ts";
export { RunExecutor } from "./run-executor.ts";
export { AgentCatalog } from "./agent-catalog.ts";
export { ProviderHealth } from "./provider-health.ts";
export { ModelRouter, resolveCandidates } from "./model-router.ts";
export type { ContinueSessionRequest, RunLimits, RunMetrics, ServiceDeps, StartRunRequest } from "./types.ts";
export { USAGE_DIMENSIONS, UsageService } from "./usage-service.ts";
export type { UsageDimension, UsageReportRow } from "./usage-service.ts";
