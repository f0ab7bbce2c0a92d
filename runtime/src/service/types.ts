import type { Config } from "../config/index.ts";
import type { Logger, RunCredentials, RunOptions, Segment } from "../domain/index.ts";
import type { ProviderRegistry } from "../providers/index.ts";
import type { ControlBus, RunEventBus, RunQueue, RunStateFeed } from "../queue/index.ts";
import type { Store } from "../store/index.ts";
import type { ToolRegistry } from "../tools/index.ts";
import type { AgentCatalog } from "./agent-catalog.ts";
import type { HookService } from "./hook-service.ts";
import type { ProviderHealth } from "./provider-health.ts";
import type { RedactOptions } from "./redact-request.ts";
import type { OperatorSandbox } from "./tool-policy.ts";

/** Counters the service reports; main.ts backs them with prom-client. */
export interface RunMetrics {
  runStarted(): void;
  runFinished(status: string, seconds: number): void;
  eventBatch(count: number, seconds: number): void;
}

/** Limits the service applies to every run. */
export interface RunLimits {
  toolParallelism: number;
  headerTimeoutMs: number;
  idleTimeoutMs: number;
  /** How often a worker renews the heartbeat of the runs it executes. */
  heartbeatIntervalMs: number;
  /** A running run whose heartbeat is older than this is considered orphaned. */
  staleAfterMs: number;
}

/** What the service is built from; main.ts assembles it. */
export interface ServiceDeps {
  store: Store;
  queue: RunQueue;
  bus: RunEventBus;
  agents: AgentCatalog;
  providers: ProviderRegistry;
  /** User tiers (routing policies) and model aliases, from the config. */
  routing: Config["routing"];
  aliases: Config["models"];
  health: ProviderHealth;
  pricing: Config["pricing"];
  tools: ToolRegistry;
  /** What the operator enabled for tools (volumes, host allowlists); absent = nothing. */
  sandbox?: OperatorSandbox;
  limits: RunLimits;
  logger: Logger;
  metrics: RunMetrics;
  /** This process's id, recorded on the runs it executes. */
  ownerId: string;
  /** Context-transform plugins applied to every outbound model request (secret values already resolved by main.ts). */
  contextPlugins?: { redact?: RedactOptions };
  /** Tool-use hooks: the registry and each run's hook chain; absent = no hooks. */
  hooks?: HookService;
  /** Per-user/per-tenant concurrency quotas and the queue bound (`concurrency:`); absent = unlimited. */
  concurrency?: Config["concurrency"];
  /** The control backplane to other processes sharing the store (cancel, acks); absent = this process is alone. */
  control?: ControlBus;
  /** How long a cancel waits for the owners of its running runs to acknowledge (default 1 s). */
  cancelAckTimeoutMs?: number;
  /** How long an Idempotency-Key answers the run it created, in seconds (default 24 h). */
  idempotencyTtlSeconds?: number;
  /**
   * Seals per-run credentials on the run row (from LOOMCYCLE_SECRET_KEY) so the process that
   * resumes the run has them; absent = they stay in this process's memory only.
   */
  credentialKey?: Buffer;
  /** Runs accepted here execute elsewhere (an api process): credentials without a key are refused, not silently lost. */
  credentialsNeedKey?: boolean;
  /** Run status changes of users' runs to every process (GET /v1/users/{id}/agents/stream); absent = that stream answers 503. */
  runStates?: RunStateFeed;
}

/** A request to start a run, already validated by a transport. */
export interface StartRunRequest {
  agent: string;
  segments: Segment[];
  session_id?: string;
  user_id?: string;
  agent_id?: string;
  tenant_id?: string;
  metadata?: Record<string, unknown>;
  /** The routing policy (a configured user tier) and sampling overrides for this run. */
  options?: RunOptions;
  /** `user_bearer`/`user_credentials`: kept in process memory for the run's tools, never stored. */
  credentials?: RunCredentials;
  /** The caller's Idempotency-Key: a repeat (same tenant) returns the run it created. */
  idempotency_key?: string;
}

/** A request to continue a session with a new user turn. */
export type ContinueSessionRequest = Omit<StartRunRequest, "agent" | "session_id">;
