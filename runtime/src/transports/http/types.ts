import type { AgentCatalog, RunService, UsageService } from "../../service/index.ts";
import type { Logger } from "../../domain/index.ts";

/** What the HTTP transport is built from: the services, limits, and health/metrics hooks. */
export interface HttpAppOptions {
  runs: RunService;
  agents: AgentCatalog;
  usage: UsageService;
  logger: Logger;
  version: string;
  limits: { maxRequestBytes: number; sseKeepaliveMs: number };
  /** Resolves when the runtime can serve (the store answers); throws otherwise. */
  ready: () => Promise<void>;
  /** Prometheus exposition text and its content type. */
  metrics: () => Promise<{ contentType: string; body: string }>;
}
